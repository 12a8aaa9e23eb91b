"""Writes of the command app. Other apps call `incident_report` (the contract below):

from bastion.command.services import incident_report
incident_report(*, actor, kind, grade, region, description, person=None, household=None,
                linked_type="", linked_ref="", linked_label="", source="", source_ref="",
                photos=()) -> Incident
"""

from bastion.command.services.incidents import incident_report

__all__ = ["incident_report"]
