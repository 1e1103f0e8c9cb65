"""The project menu and the skills taxonomy: data files, loaded and checked once."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Category = Literal["digital_basics", "email_analytics", "social_digital", "engineering_data"]

CATEGORY_LABELS: dict[str, str] = {
    "digital_basics": "Digital basics",
    "email_analytics": "Email & analytics",
    "social_digital": "Social & paid digital media",
    "engineering_data": "Engineering & data science",
}

MAX_WEEKS = 8


class Skill(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    label: str


class MenuItem(BaseModel):
    """One thing a campaign can ask for, scoped: a project is made from exactly one item."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    category: Category
    title: str
    summary: str
    skills: list[str] = Field(min_length=2, max_length=4)  # one member slot per entry
    weeks: int = Field(ge=1, le=MAX_WEEKS)
    hours_per_week: int = Field(ge=1, le=40)
    deliverables: list[str] = Field(min_length=1)
    metrics: list[str] = Field(min_length=1)

    @property
    def team_size(self) -> int:
        """Members plus the one team lead: always 3 to 5."""
        return 1 + len(self.skills)

    def public(self) -> dict[str, object]:
        return self.model_dump() | {
            "team_size": self.team_size,
            "category_label": CATEGORY_LABELS[self.category],
        }


class Catalog(BaseModel):
    skills: list[Skill]
    menu: list[MenuItem]

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        skill_ids = {s.id for s in self.skills}
        if len(skill_ids) != len(self.skills):
            raise ValueError("duplicate skill id")
        if len({m.id for m in self.menu}) != len(self.menu):
            raise ValueError("duplicate menu item id")
        for item in self.menu:
            unknown = set(item.skills) - skill_ids
            if unknown:
                raise ValueError(f"menu item {item.id} names unknown skills {sorted(unknown)}")
        return self

    @property
    def skill_ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.skills)

    def item(self, item_id: str) -> MenuItem:
        return self._items()[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items()

    def _items(self) -> dict[str, MenuItem]:
        return {m.id: m for m in self.menu}

    def skill_label(self, skill_id: str) -> str:
        return next((s.label for s in self.skills if s.id == skill_id), skill_id)


def _read(name: str) -> dict:
    return tomllib.loads(resources.files(__package__).joinpath(name).read_text("utf-8"))


@cache
def catalog() -> Catalog:
    return Catalog(skills=_read("skills.toml")["skill"], menu=_read("menu.toml")["item"])
