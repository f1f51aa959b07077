import html
import json
import re

from flask.testing import FlaskClient


def test_the_openapi_document_describes_the_stable_endpoints(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/partners",
        "/api/v1/companies",
        "/api/v1/companies/{company_id}",
    } <= set(document["paths"])
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    event_list = document["paths"]["/api/v1/events"]["get"]["responses"]["200"]
    assert "$ref" in event_list["content"]["application/json"]["schema"]


def test_the_api_reference_page_loads_nothing_from_other_hosts(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(asset.startswith("/static/") for asset in assets)
    # The options reach Swagger UI as data: no validator, which would call swagger.io.
    options = re.search(r'data-config="([^"]+)"', page.text)
    assert options and json.loads(html.unescape(options.group(1)))["validatorUrl"] is None
    for asset in assets:
        with client.get(asset) as response:
            assert response.status_code == 200
