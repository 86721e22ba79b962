"""Deterministic demo data for a plausible commune (Pu Sam Cáp, Lai Châu). No database access."""

from backend.demo.generate import DemoData, DemoHousehold, DemoMember, DemoVillage, generate_demo

__all__ = ["DemoData", "DemoHousehold", "DemoMember", "DemoVillage", "generate_demo"]
