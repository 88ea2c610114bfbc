"""All models; importing this package registers every table on Base.metadata."""

from db.models.base import Base
from db.models.campaign import (
    Assignment,
    CallDelivery,
    CallToAction,
    CampaignLead,
    DispatchOrder,
    LeadNeed,
    MailOutbox,
    NewspaperEdition,
    OfferSkill,
    VolunteerOffer,
)
from db.models.contact import Activity, Consent, ConsentActive, Contact, ContactShare, ContactTopic, DataSubjectRequest
from db.models.intake import DuplicateCandidate, ImportBatch, MappingPreset
from db.models.links import LinkTokenUse
from db.models.mailings import InfoDelivery, InfoMailing, SurveyAnswer, SurveyQuestion, SurveyResponse
from db.models.newspaper_undo import NewspaperBulkChange
from db.models.org import AppSetting, AuditEvent, Kreis, Kreisverband, Land, Office, Plz, User
from db.models.privacy import ErasureTombstone
from db.models.rollup import RollupKvDay, RollupKvSource, RollupPlzStatus, RollupPlzTopic
from db.models.sessions import UserSession

__all__ = [
    "Base",
    "ConsentActive",
    "RollupKvDay",
    "RollupKvSource",
    "RollupPlzStatus",
    "RollupPlzTopic",
    "Assignment",
    "CallDelivery",
    "CallToAction",
    "CampaignLead",
    "DispatchOrder",
    "LeadNeed",
    "MailOutbox",
    "NewspaperEdition",
    "NewspaperBulkChange",
    "OfferSkill",
    "VolunteerOffer",
    "Activity",
    "Consent",
    "Contact",
    "ContactShare",
    "ContactTopic",
    "DataSubjectRequest",
    "AppSetting",
    "AuditEvent",
    "Kreis",
    "Kreisverband",
    "Land",
    "Office",
    "Plz",
    "User",
    "UserSession",
    "DuplicateCandidate",
    "ImportBatch",
    "MappingPreset",
    "ErasureTombstone",
    "InfoDelivery",
    "InfoMailing",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "LinkTokenUse",
]
