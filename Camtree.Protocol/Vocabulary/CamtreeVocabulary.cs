namespace Camtree.Protocol.Vocabulary;

/// <summary>
/// Camtree's research vocabulary: the terms a report carries beyond Activity Streams.
/// Terms live in the namespace <see cref="NamespaceIri"/>; schema.org terms are reused where they fit.
/// The same definitions are written inline into every document's <c>@context</c> (so no processor ever needs to
/// fetch an unknown context) and served as a stand-alone context document (see <see cref="JsonLd.CamtreeContext"/>).
/// </summary>
public static class CamtreeVocabulary
{
    /// <summary>The stable namespace of Camtree's own terms (version 1).</summary>
    public const string NamespaceIri = "https://camtree.org/ns/v1#";

    /// <summary>The schema.org namespace, as schema.org itself writes its IRIs.</summary>
    public const string SchemaIri = "http://schema.org/";

    /// <summary>Research methodologies a report may name; free text is allowed, these are the known values.</summary>
    public static readonly IReadOnlyList<string> Methodologies =
        ["lesson-study", "action-research", "exploratory-action-research", "t-seda", "practitioner-enquiry"];

    /// <summary>Phases of education a report may address (schema:educationalLevel values).</summary>
    public static readonly IReadOnlyList<string> EducationalLevels =
        ["early-years", "primary", "secondary", "further-education", "higher-education", "teacher-education"];

    /// <summary>Human labels of the known methodologies (English; pages localise them).</summary>
    public static readonly IReadOnlyDictionary<string, string> MethodologyLabels = new Dictionary<string, string>
    {
        ["lesson-study"] = "Lesson study", ["action-research"] = "Action research", ["exploratory-action-research"] = "Exploratory action research",
        ["t-seda"] = "T-SEDA", ["practitioner-enquiry"] = "Practitioner enquiry",
    };

    /// <summary>Human labels of the educational levels.</summary>
    public static readonly IReadOnlyDictionary<string, string> EducationalLevelLabels = new Dictionary<string, string>
    {
        ["early-years"] = "Early years", ["primary"] = "Primary", ["secondary"] = "Secondary", ["further-education"] = "Further education",
        ["higher-education"] = "Higher education", ["teacher-education"] = "Teacher education",
    };

    /// <summary>Review statuses a report may carry (<c>camtree:reviewStatus</c>), with their labels.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReviewStatusLabels = new Dictionary<string, string>
    {
        ["unreviewed"] = "Not yet reviewed", ["in-review"] = "In review", ["peer-reviewed"] = "Peer reviewed",
    };

    /// <summary>The licence a report carries unless its author chooses another: CC BY 4.0.</summary>
    public const string DefaultLicense = "https://creativecommons.org/licenses/by/4.0/";
}
