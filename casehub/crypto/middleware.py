"""Gives every request its own data-key cache and empties it when the response is ready."""

from casehub.crypto.keyring import clear_data_keys, data_key_scope


class DataKeyScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with data_key_scope():
            response = self.get_response(request)
        # Code that ran outside the scope in this thread (a streamed body) left keys behind.
        clear_data_keys()
        return response
