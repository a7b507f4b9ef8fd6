"""Open Referral HSDS 3.0 import and export (profile: docs/hsds-profile.md).

Both forms go through one in-memory shape, `tables`: a dict from HSDS table name (`service`,
`location`, ...) to a list of rows, each row a dict of JSON values. The JSON form nests the
rows into service documents; the tabular form writes them as CSV files with datapackage.json.
"""

HSDS_VERSION = "3.0"
PROFILE_URI = "https://casehub.example.org/hsds-profile/1"
