namespace Camtree.Protocol.Oai;

/// <summary>The six OAI-PMH 2.0 requests (https://www.openarchives.org/OAI/openarchivesprotocol.html §4).</summary>
public enum OaiVerb { Identify, ListMetadataFormats, ListSets, GetRecord, ListIdentifiers, ListRecords }

/// <summary>The error codes of OAI-PMH 2.0 §3.6, as they are written in the <c>code</c> attribute.</summary>
public static class OaiErrorCodes
{
    public const string BadArgument = "badArgument";
    public const string BadResumptionToken = "badResumptionToken";
    public const string BadVerb = "badVerb";
    public const string CannotDisseminateFormat = "cannotDisseminateFormat";
    public const string IdDoesNotExist = "idDoesNotExist";
    public const string NoRecordsMatch = "noRecordsMatch";
    public const string NoMetadataFormats = "noMetadataFormats";
    public const string NoSetHierarchy = "noSetHierarchy";
}

/// <summary>One error of a response: its code and a sentence for the person reading the XML.</summary>
public sealed record OaiError(string Code, string Message);

/// <summary>The namespaces and schemas a response names.</summary>
public static class OaiNamespaces
{
    public const string Pmh = "http://www.openarchives.org/OAI/2.0/";
    public const string PmhSchema = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd";
    public const string OaiDc = "http://www.openarchives.org/OAI/2.0/oai_dc/";
    public const string OaiDcSchema = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd";
    public const string DublinCore = "http://purl.org/dc/elements/1.1/";
    public const string XmlSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";
    /// <summary>Camtree's research-report format (documented in docs/federation/OAI-PMH.md, schema camtree-oai.xsd).</summary>
    public const string Camtree = "https://camtree.org/ns/oai/1.0/";
    public const string CamtreeSchema = "https://camtree.org/ns/oai/1.0/camtree-oai.xsd";
}

/// <summary>A metadata format the repository disseminates (ListMetadataFormats).</summary>
public sealed record OaiMetadataFormat(string Prefix, string Schema, string Namespace)
{
    public static readonly OaiMetadataFormat DublinCore = new("oai_dc", OaiNamespaces.OaiDcSchema, OaiNamespaces.OaiDc);
    public static readonly OaiMetadataFormat Camtree = new("camtree", OaiNamespaces.CamtreeSchema, OaiNamespaces.Camtree);
    public static readonly IReadOnlyList<OaiMetadataFormat> All = [DublinCore, Camtree];

    public static OaiMetadataFormat? Find(string prefix) => All.FirstOrDefault(f => f.Prefix == prefix);
}
