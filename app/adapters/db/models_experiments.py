"""Experiments (feature flags): their settings, which visitor id a signed-in shopper buckets
by, and the first exposure of each visitor to each experiment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


class Experiment(SQLModel, table=True):
    """The settings of one flag the code reads (its arms are defined in the code)."""

    __tablename__ = "experiment"

    key: str = Field(primary_key=True, max_length=60)
    mode: str = Field(default="off", max_length=8)  # off, on, split
    traffic: int = 100  # % of visitors in the experiment (the others see the control)
    percent: int = 50  # % of those in it who see the treatment
    seed: str = Field(max_length=40)  # buckets the traffic
    variant_seed: str = Field(max_length=40)  # buckets the arm, independently
    conversion_kind: str = Field(default="deal.joined", max_length=60)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_at: datetime = Timestamp()


class VisitorLink(SQLModel, table=True):
    """The visitor id a user keeps across sign-ins and devices: the anonymous id they had when
    first seen signed in."""

    __tablename__ = "experiment_visitor"

    user_id: int = Field(primary_key=True, foreign_key="user.id")
    visitor_id: str = Field(max_length=64, index=True)
    linked_at: datetime = Timestamp()


class Exposure(SQLModel, table=True):
    """The first time a visitor was shown an experiment's arm (the event log has the event)."""

    __tablename__ = "experiment_exposure"

    experiment_key: str = Field(primary_key=True, max_length=60)
    visitor_id: str = Field(primary_key=True, max_length=64)
    variant: str = Field(max_length=40)
    at: datetime = Timestamp()
