"""Coded case fields with the value names of IOM's HTCDS 2.0, so cases export and compare.

Generated from the HTCDS 2.0 field reference; tests/casehub/test_coding.py checks that every
value name still matches it. Labels are ours to translate; value names never change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    """HTCDS prs_Gender."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender Feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender Masculine")
    NON_CONFORMING = "NonConforming", _("Non-Conforming")
    NON_SPECIFIED_UNKNOWN = "NonSpecifiedUnknown", _("Not Specified/Unknown")


class TraffickingStatus(models.TextChoices):
    """HTCDS vic_TraffickingStatus."""

    POSSIBLE_VICTIM_OF_TRAFFICKING = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL_VICTIM_OF_TRAFFICKING = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM_OF_TRAFFICKING = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class WebsiteOrApp(models.TextChoices):
    """HTCDS vic_RecruitmentWebsitesAndApps."""

    FACEBOOK = "Facebook", _("Facebook")
    INSTAGRAM = "Instagram", _("Instagram")
    WHATS_APP = "WhatsApp", _("WhatsApp")
    TELEGRAM = "Telegram", _("Telegram")
    FACEBOOK_MESSENGER = "FacebookMessenger", _("Facebook Messenger")
    VIBER = "Viber", _("Viber")
    SNAP_CHAT = "SnapChat", _("SnapChat")
    LINE = "Line", _("Line")
    N4_SALE = "4Sale", _("4Sale")
    WE_CHAT = "WeChat", _("WeChat")
    Q_Q = "QQ", _("QQ")
    Q_ZONE = "QZone", _("QZone")
    TIK_TOK = "TikTok", _("TikTok")
    TWITTER = "Twitter", _("Twitter")
    OTHER = "Other", _("Other")


class RecruitmentMethod(models.TextChoices):
    """HTCDS vic_MethodOfRecruitment."""

    AT_A_PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    AT_AN_EDUCATIONAL_INSTITUTION = "AtAnEducationalInstitution", _("At an educational institution")
    AT_WORK = "AtWork", _("At work")
    THROUGH_ONLINE_SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _("Through online social networks")
    THROUGH_AN_ONLINE_ADVERTISEMENT = "ThroughAnOnlineAdvertisement", _("Through an online advertisement")
    THROUGH_A_TELEVISION_ADVERT = "ThroughATelevisionAdvert", _("Through a television advert")
    THROUGH_A_NEWSPAPER_ADVERT = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    THROUGH_FAMILY_OR_FAMILY_EVENTS = "ThroughFamilyOrFamilyEvents", _("Through family or family events")
    THROUGH_FRIENDS_OR_SOCIAL_EVENTS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    OTHER = "Other", _("Other")


class ControlMethod(models.TextChoices):
    """HTCDS vic_MethodsOfControl."""

    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Threats of law enforcement")
    THREATENS_CHILDREN_FAMILY = "ThreatensChildrenFamily", _("Threatens children/family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RestrictsFinancialAccess", _("Restricts financial access")
    RESTRICTS_MEDICAL_CARE = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE_SUBSTANCE = "PsychoactiveSubstance", _("Psychoactive substance")
    EXCESSIVE_WORKING_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")


class ExploitationType(models.TextChoices):
    """HTCDS vic_TypeOfExploitation."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL_EXPLOITATION = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY_BY_NON_STATE_ACTORS = "ForcedMilitaryByNonStateActors", _("Forced military (by non-state actors)")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")


class ForcedLabourIndustry(models.TextChoices):
    """HTCDS vic_ForcedLabourIndustry."""

    AGRICULTURE_FORESTRY_AND_FISHING = "A_AgricultureForestryAndFishing", _("Agriculture, forestry and fishing")
    MINING_AND_QUARRYING = "B_MiningAndQuarrying", _("Mining and quarrying")
    MANUFACTURING = "C_Manufacturing", _("Manufacturing")
    ELECTRICITY_GAS_STEAM_AND_AIR_CONDITIONING_SUPPLY = (
        "D_ElectricityGasSteamAndAirConditioningSupply",
        _("Electricity, gas, steam and air conditioning supply"),
    )
    WATER_SUPPLY_SEWERAGE_WASTE_MANAGEMENT = (
        "E_WaterSupplySewerageWasteManagement",
        _("Water supply; sewerage, waste management and remediation"),
    )
    CONSTRUCTION = "F_Construction", _("Construction")
    WHOLESALE_AND_RETAIL_TRADE_REPAIR_OF_MOTOR_VEHICLES = (
        "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
        _("Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    )
    TRANSPORTATION_AND_STORAGE = "H_TransportationAndStorage", _("Transportation and storage")
    ACCOMMODATION_AND_FOOD_SERVICE_ACTIVITIES = (
        "I_AccommodationAndFoodServiceActivities",
        _("Accommodation and food service activities"),
    )
    INFORMATION_AND_COMMUNICATION = "J_InformationAndCommunication", _("Information and communication")
    FINANCIAL_AND_INSURANCE_ACTIVITIES = "K_FinancialAndInsuranceActivities", _("Financial and insurance activities")
    REAL_ESTATE_ACTIVITIES = "L_RealEstateActivities", _("Real estate activities")
    PROFESSIONAL_SCIENTIFIC_AND_TECHNICAL_ACTIVITIES = (
        "M_ProfessionalScientificAndTechnicalActivities",
        _("Professional, scientific and technical activities"),
    )
    ADMINISTRATIVE_AND_SUPPORT_SERVICE_ACTIVITIES = (
        "N_AdministrativeAndSupportServiceActivities",
        _("Administrative and support service activities"),
    )
    PUBLIC_ADMINISTRATION_AND_DEFENCE = (
        "O_PublicAdministrationAndDefence",
        _("Public administration and defence; compulsory social security"),
    )
    EDUCATION = "P_Education", _("Education")
    HUMAN_HEALTH_AND_SOCIAL_WORK_ACTIVITIES = (
        "Q_HumanHealthAndSocialWorkActivities",
        _("Human health and social work activities"),
    )
    ARTS_ENTERTAINMENT_AND_RECREATION = "R_ArtsEntertainmentAndRecreation", _("Arts, entertainment and recreation")
    OTHER_SERVICE_ACTIVITIES = "S_OtherServiceActivities", _("Other service activities")
    ACTIVITIES_OF_HOUSEHOLDS_AS_EMPLOYERS = (
        "T_ActivitiesOfHouseholdsAsEmployers",
        _(
            "Activities of households as employers; undifferentiated goods- and services- producing activities of households for own use"
        ),
    )
    ACTIVITIES_OF_EXTRATERRITORIAL_ORGANIZATIONS = (
        "U_ActivitiesOfExtraterritorialOrganizations",
        _("Activities of extraterritorial organizations and bodies"),
    )


class SexualExploitationType(models.TextChoices):
    """HTCDS vic_TypeOfSexExploitation."""

    PROSTITUTION = "Prostitution", _("Prostitution")
    PORNOGRAPHY = "Pornography", _("Pornography")
    REMOTE_INTERACTIVE_SERVICES = "RemoteInteractiveServices", _("Remote Interactive Services")
    PRIVATE_SEXUAL_SERVICES = "PrivateSexualServices", _("Private Sexual Services")


class Vulnerability(models.TextChoices):
    """HTCDS vic_Vulnerabilities."""

    ADDICTION = "Addiction", _("Addiction")
    SOCIAL_GROUP = "SocialGroup", _("Social Group")
    DISCRIMINATION = "Discrimination", _("Discrimination")
    POVERTY = "Poverty", _("Poverty")
    DISABILITY_AND_PHYSICAL_HEALTH = "DisabilityAndPhysicalHealth", _("Disability and physical health")
    MENTAL_HEALTH = "MentalHealth", _("Mental health")
    MIGRATION = "Migration", _("Migration")
    HOMELESSNESS = "Homelessness", _("Homelessness")
    ABUSE_SOCIAL_MEDIA = "AbuseSocialMedia", _("Abuse - social media")
    ABUSE_PHYSICAL = "AbusePhysical", _("Abuse - physical")
    EDUCATION = "Education", _("Education")
    WORK_ENVIRONMENT = "WorkEnvironment", _("Work environment")


class AgeBand(models.TextChoices):
    """Ours: HTCDS records a date of birth; coordination and statistics need only a band."""

    CHILD_0_11 = "0-11", _("0–11")
    ADOLESCENT_12_17 = "12-17", _("12–17")
    ADULT_18_24 = "18-24", _("18–24")
    ADULT_25_34 = "25-34", _("25–34")
    ADULT_35_49 = "35-49", _("35–49")
    ADULT_50_PLUS = "50+", _("50 or older")
    UNKNOWN = "unknown", _("Unknown")


AGE_BAND_YEARS = {"0-11": (0, 11), "12-17": (12, 17), "18-24": (18, 24), "25-34": (25, 34), "35-49": (35, 49)}


def age_band_of(date_of_birth, today) -> str:
    """The band an age on ``today`` falls in."""
    age = today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    return next((band for band, (low, high) in AGE_BAND_YEARS.items() if low <= age <= high), "50+")


class Need(models.TextChoices):
    """Ours: the services a survivor needs, for coordination and matching."""

    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    LEGAL = "legal", _("Legal")
    INTERPRETATION = "interpretation", _("Interpretation")
    REPATRIATION = "repatriation", _("Repatriation")
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    FINANCIAL = "financial", _("Financial")
    CHILD_PROTECTION = "child_protection", _("Child protection")


# Which HTCDS field each vocabulary carries, for exports in HTCDS form.
HTCDS_FIELDS = {
    Gender: "prs_Gender",
    TraffickingStatus: "vic_TraffickingStatus",
    WebsiteOrApp: "vic_RecruitmentWebsitesAndApps",
    RecruitmentMethod: "vic_MethodOfRecruitment",
    ControlMethod: "vic_MethodsOfControl",
    ExploitationType: "vic_TypeOfExploitation",
    ForcedLabourIndustry: "vic_ForcedLabourIndustry",
    SexualExploitationType: "vic_TypeOfSexExploitation",
    Vulnerability: "vic_Vulnerabilities",
}
