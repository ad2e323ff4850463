"""The API's OpenAPI document loaded for schemathesis, with our refusals counted as such."""
import schemathesis
from schemathesis.config._checks import NegativeDataRejectionConfig

# schemathesis does not count 413 as rejecting invalid data, yet a generated body past
# MAX_CONTENT_LENGTH is rightly refused with it (documented on every body-taking endpoint).
REJECTIONS = [*NegativeDataRejectionConfig._DEFAULT_EXPECTED_STATUSES, "413"]


def openapi_schema(app):
    schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", app)
    schema.config.checks.negative_data_rejection.expected_statuses = REJECTIONS
    return schema
