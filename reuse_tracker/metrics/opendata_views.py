"""Open data: the public download page and ``GET /api/v1/opendata/<dataset>.csv|.json``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, jsonify, render_template, request, url_for

from reuse_tracker.api import openapi
from reuse_tracker.api.auth import public
from reuse_tracker.features import add_operation
from reuse_tracker.metrics import bp
from reuse_tracker.metrics import opendata as datasets
from reuse_tracker.metrics import opendata_bp as api
from reuse_tracker.metrics.periods import period_from

DATASET = "any(monthly, waves, schools, neighbourhoods):dataset"


def _links(name: str, args: dict[str, str]) -> dict[str, str]:
    return {
        kind: url_for(f"api.opendata.dataset_{kind}", dataset=name, _external=True, **args)
        for kind in ("csv", "json", "schema")
    }


@bp.get("/opendata")
def opendata():
    period = period_from(request.args)
    args = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    listing = [
        (name, title, _links(name, args), datasets.schema(name)["fields"])
        for name, (title, _columns) in datasets.DATASETS.items()
    ]
    return render_template(
        "metrics/opendata.html",
        period=period,
        datasets=listing,
        limit=datasets.threshold(),
    )


@api.get(f"/opendata/<{DATASET}>.csv")
@public
def dataset_csv(dataset: str) -> Response:
    """Download an open dataset as CSV (UTF-8, comma, ISO dates; small counts withheld)."""
    table = datasets.dataset(dataset, period_from(request.args))
    response = Response(datasets.as_csv(dataset, table), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{dataset}.csv"'
    response.headers["Link"] = f'<{_links(dataset, {})["schema"]}>; rel="describedby"'
    return response


@api.get(f"/opendata/<{DATASET}>.json")
@public
def dataset_json(dataset: str) -> Response:
    """Return an open dataset as JSON (withheld counts are null), with its totals."""
    period = period_from(request.args)
    table = datasets.dataset(dataset, period)
    return jsonify(
        {
            "dataset": dataset,
            "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
            "threshold": datasets.threshold(),
            "schema": _links(dataset, {})["schema"],
            "rows": table.rows,
            "totals": table.totals,
        }
    )


@api.get(f"/opendata/<{DATASET}>.schema.json")
@public
def dataset_schema(dataset: str) -> Response:
    """Return the Table Schema (frictionless) of an open dataset."""
    return jsonify(datasets.schema(dataset))


def register_openapi(app: Flask, period_parameters: Callable[[], list[dict[str, Any]]]) -> None:
    """Describe the open data routes (public: no token)."""
    for kind, description, media in (
        ("csv", "The dataset as CSV.", "text/csv"),
        ("json", "The dataset as JSON.", "application/json"),
        ("schema", "The dataset's Table Schema.", "application/json"),
    ):
        add_operation(
            app,
            f"api.opendata.dataset_{kind}",
            lambda kind=kind, description=description, media=media: {
                "parameters": period_parameters() if kind != "schema" else [],
                "responses": {
                    "200": {
                        "description": description,
                        "content": {
                            media: {"schema": {"type": "string" if kind == "csv" else "object"}}
                        },
                    },
                    **openapi.error_responses(404, *((422,) if kind != "schema" else ())),
                },
            },
        )
