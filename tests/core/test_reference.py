"""The reference of a file format, written from its spec models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from umbrella.campaign.spec import Campaign
from umbrella.core.reference import describe_model, format_models, models_in
from umbrella.core.spec import Spec
from umbrella.scenario.model import Scenario


class _Ring(Spec):
    """A ring."""

    count: Annotated[int, Field(ge=1, le=10)]


class _Site(Spec):
    """A site: ``kind`` and where."""

    kind: Literal["radar", "acoustic"] = "radar"
    ring: _Ring | None = None
    rounds: dict[str, int] = Field(default_factory=dict, description="Rounds | by type.")
    name: str = Field(max_length=20)


def test_every_key_with_type_limits_default_and_description() -> None:
    keys = {k.key: k for k in describe_model(_Site)}
    assert list(keys) == ["kind", "ring", "rounds", "name"]
    assert keys["kind"].type == '`"radar"` or `"acoustic"`' and keys["kind"].default == '`"radar"`'
    assert keys["ring"].type == "[_Ring](#_ring)" and keys["ring"].default == "not given"
    assert keys["rounds"].type == "table of text to integer" and keys["rounds"].default == "empty"
    assert keys["name"].limits == "at most 20 characters" and keys["name"].default == "required"
    assert describe_model(_Ring)[0].limits == ">= 1, <= 10"


def test_nested_models_once_in_order_met() -> None:
    assert models_in(_Site) == [_Site, _Ring]
    names = [m.__name__ for m in models_in(Scenario)]
    assert names[:3] == ["Scenario", "Asset", "Wave"] and len(names) == len(set(names))
    assert {"Raids", "Delivery", "RaidDistributions"} <= {m.__name__ for m in models_in(Campaign)}


def test_markdown_escapes_cells_and_converts_literals() -> None:
    text = format_models([_Site])
    assert "A site: `kind` and where." in text
    assert "Rounds \\| by type." in text
    assert text.count("\n| `") == 4


def test_every_field_of_every_format_is_listed() -> None:
    for model in models_in(Campaign) + models_in(Scenario):
        text = format_models([model])
        for name, field in model.model_fields.items():
            assert f"| `{field.alias or name}` |" in text
