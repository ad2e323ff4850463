"""Payload builders shared by the API tests."""
import json
import uuid

ALL = {"necessary": True, "functional": True, "analytics": True, "advertising": True}
NONE = {"necessary": True, "functional": False, "analytics": False, "advertising": False}
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


def consent(**overrides) -> dict:
    body = {"visitor_id": str(uuid.uuid4()), "version": 1, "action": "custom",
            "choices": {**NONE, "analytics": True}, "language": "ar", "source": "banner"}
    body.update(overrides)
    return body


def post_consent(client, site_key, body, content_type="text/plain", remote_addr=None,
                 **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    environ = {"REMOTE_ADDR": remote_addr} if remote_addr else {}
    return client.post(f"/v1/sites/{site_key}/consents", data=data,
                       content_type=content_type, headers=headers, environ_base=environ)
