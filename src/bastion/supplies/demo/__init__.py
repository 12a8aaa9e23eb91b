"""The supplies part of the demo county, called by demo/generator.py after the people,
monitoring and party demos exist: static material (`names`), the records the work stands on
(`records`) and the scenario restated through the services (`seed`)."""

from bastion.supplies.demo.seed import seed_supplies

__all__ = ["seed_supplies"]
