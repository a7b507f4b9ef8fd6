"""Reading the API's problem details (RFC 9457) in tests."""


def error_fields(response) -> set:
    """The fields a validation problem names."""
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"] for error in response.json()["errors"]}
