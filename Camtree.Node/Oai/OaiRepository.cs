using System.Xml;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Oai;
using Microsoft.Extensions.Options;

namespace Camtree.Node.Oai;

/// <summary>
/// The node as an OAI-PMH 2.0 repository: answers each verb from <see cref="OaiStore"/>. Protocol errors are part
/// of the answer (HTTP 200, §3.6); this class only decides which.
/// </summary>
public sealed class OaiRepository(OaiStore store, LocalUris uris, IOptions<NodeOptions> options, TimeProvider time)
{
    private NodeOptions Options => options.Value;
    // The signing key is made once and never changes: read it on the first list, not on every page (it is a write).
    private ResumptionTokens? _tokens;
    private bool Federated => Options.Oai.IncludeFederated;
    public string BaseUrl => uris.Base + "/oai";

    public async Task<byte[]> AnswerAsync(IReadOnlyList<KeyValuePair<string, string>> arguments)
    {
        var now = time.GetUtcNow();
        var parsed = OaiRequestParser.Parse(arguments);
        if (parsed.Request is not { } request) return OaiXml.Response(BaseUrl, now, null, OaiXml.Errors(parsed.Errors));

        var (body, errors) = request.Verb switch
        {
            OaiVerb.Identify => (await IdentifyAsync(), []),
            OaiVerb.ListMetadataFormats => await ListMetadataFormatsAsync(request),
            OaiVerb.ListSets => await ListSetsAsync(request),
            OaiVerb.GetRecord => await GetRecordAsync(request),
            _ => await ListAsync(request, now),
        };
        return OaiXml.Response(BaseUrl, now, request, errors.Count > 0 ? OaiXml.Errors(errors) : body!);
    }

    private async Task<Action<XmlWriter>> IdentifyAsync()
    {
        var earliest = await store.EarliestAsync(Federated) ?? time.GetUtcNow();
        var email = AdminEmail();
        return writer =>
        {
            const string ns = OaiNamespaces.Pmh;
            writer.WriteStartElement("Identify", ns);
            writer.WriteElementString("repositoryName", ns, OaiXml.Clean(Options.NodeName));
            writer.WriteElementString("baseURL", ns, BaseUrl);
            writer.WriteElementString("protocolVersion", ns, "2.0");
            writer.WriteElementString("adminEmail", ns, email);
            writer.WriteElementString("earliestDatestamp", ns, OaiDate.Format(earliest));
            writer.WriteElementString("deletedRecord", ns, "persistent");
            writer.WriteElementString("granularity", ns, "YYYY-MM-DDThh:mm:ssZ");
            writer.WriteEndElement();
        };
    }

    /// <summary>The configured address, or <c>webmaster@</c> the host (with <c>.invalid</c> where the host has no dot, as the schema wants one).</summary>
    private string AdminEmail()
    {
        if (!string.IsNullOrWhiteSpace(Options.AdminEmail)) return Options.AdminEmail.Trim();
        var host = new Uri(uris.Base).Host;
        return host.Contains('.') ? $"webmaster@{host}" : $"webmaster@{host}.invalid";
    }

    private async Task<(Action<XmlWriter>?, IReadOnlyList<OaiError>)> ListMetadataFormatsAsync(OaiRequest request)
    {
        if (request.Identifier is { } identifier && await store.FindAsync(identifier, Federated) is null)
            return (null, [IdDoesNotExist(identifier)]);
        return (writer =>
        {
            const string ns = OaiNamespaces.Pmh;
            writer.WriteStartElement("ListMetadataFormats", ns);
            foreach (var format in OaiMetadataFormat.All)
            {
                writer.WriteStartElement("metadataFormat", ns);
                writer.WriteElementString("metadataPrefix", ns, format.Prefix);
                writer.WriteElementString("schema", ns, format.Schema);
                writer.WriteElementString("metadataNamespace", ns, format.Namespace);
                writer.WriteEndElement();
            }
            writer.WriteEndElement();
        }, []);
    }

    private async Task<(Action<XmlWriter>?, IReadOnlyList<OaiError>)> ListSetsAsync(OaiRequest request)
    {
        // The whole hierarchy fits one answer, so this repository never hands out a ListSets token.
        if (request.ResumptionToken is not null)
            return (null, [new(OaiErrorCodes.BadResumptionToken, "this repository issues no resumptionToken for ListSets")]);
        var values = await store.SetValuesAsync(Federated);
        if (values.Count == 0)
            return (null, [new(OaiErrorCodes.NoSetHierarchy, "no report here has a theme, methodology or country yet, so there are no sets")]);
        return (writer =>
        {
            const string ns = OaiNamespaces.Pmh;
            writer.WriteStartElement("ListSets", ns);
            foreach (var kind in values.Select(v => v.Kind).Distinct())
            {
                Set(writer, OaiSets.KindSpec(kind), KindName(kind));
                foreach (var (_, value) in values.Where(v => v.Kind == kind))
                    Set(writer, OaiSets.Spec(kind, value), $"{KindName(kind)}: {value}");
            }
            writer.WriteEndElement();
        }, []);

        static void Set(XmlWriter writer, string spec, string name)
        {
            writer.WriteStartElement("set", OaiNamespaces.Pmh);
            writer.WriteElementString("setSpec", OaiNamespaces.Pmh, spec);
            writer.WriteElementString("setName", OaiNamespaces.Pmh, OaiXml.Clean(name));
            writer.WriteEndElement();
        }
    }

    private static string KindName(OaiSetKind kind) => kind switch
    {
        OaiSetKind.Theme => "Theme",
        OaiSetKind.Methodology => "Methodology",
        _ => "Country",
    };

    private async Task<(Action<XmlWriter>?, IReadOnlyList<OaiError>)> GetRecordAsync(OaiRequest request)
    {
        var errors = new List<OaiError>();
        var item = await store.FindAsync(request.Identifier!, Federated);
        if (item is null) errors.Add(IdDoesNotExist(request.Identifier!));
        var format = OaiMetadataFormat.Find(request.MetadataPrefix!);
        if (format is null) errors.Add(CannotDisseminate(request.MetadataPrefix!));
        if (errors.Count > 0) return (null, errors);
        var record = Record(item!);
        return (writer =>
        {
            writer.WriteStartElement("GetRecord", OaiNamespaces.Pmh);
            OaiXml.Record(writer, record, format!);
            writer.WriteEndElement();
        }, []);
    }

    /// <summary>ListIdentifiers and ListRecords: a page of the selection, and the token for the next.</summary>
    private async Task<(Action<XmlWriter>?, IReadOnlyList<OaiError>)> ListAsync(OaiRequest request, DateTimeOffset now)
    {
        var tokens = _tokens ??= new ResumptionTokens(await store.SecretAsync("oai-resumption"));
        ResumptionState state;
        if (request.ResumptionToken is { } token)
        {
            if (tokens.Read(token, request.Verb, now, out var why) is not { } read)
                return (null, [new(OaiErrorCodes.BadResumptionToken, why!)]);
            state = read;
        }
        else
        {
            state = new ResumptionState(request.Verb, request.MetadataPrefix!, request.Set, request.From, request.Until, After: 0, Cursor: 0, now);
        }

        if (OaiMetadataFormat.Find(state.MetadataPrefix) is not { } format)
            return (null, [CannotDisseminate(state.MetadataPrefix)]);
        OaiSetFilter? set = null;
        if (state.Set is { } spec)
        {
            if (!await store.HasSetsAsync(Federated))
                return (null, [new(OaiErrorCodes.NoSetHierarchy, "this repository has no sets yet")]);
            set = OaiSets.Parse(spec);
            if (set is null) return (null, [new(OaiErrorCodes.NoRecordsMatch, $"there is no set {spec} here")]);
        }

        var selection = new OaiSelection(Federated, state.From?.Start, state.Until?.End, set);
        var pageSize = Math.Clamp(Options.Oai.PageSize, 1, 1_000);
        var items = await store.ListAsync(selection, state.After, pageSize + 1);
        if (items.Count == 0)
            return (null, [new(OaiErrorCodes.NoRecordsMatch, state.Cursor == 0 ? "no records match the request" : "no records are left in this list")]);

        var page = items.Take(pageSize).ToList();
        var more = items.Count > pageSize;
        var paged = more || state.Cursor > 0;
        var size = paged ? await store.CountAsync(selection) : page.Count;
        string? next = null;
        var expires = now + Options.Oai.TokenLifetime;
        if (more) next = tokens.Issue(state with { After = page[^1].Seq, Cursor = state.Cursor + page.Count, Expires = expires });
        var records = page.Select(Record).ToList();

        return (writer =>
        {
            writer.WriteStartElement(request.Verb.ToString(), OaiNamespaces.Pmh);
            foreach (var record in records)
            {
                if (request.Verb == OaiVerb.ListIdentifiers) OaiXml.Header(writer, record.Header);
                else OaiXml.Record(writer, record, format);
            }
            // §3.5: a list that was paged ends with an empty token; one that fit a single answer has none.
            if (paged) OaiXml.ResumptionToken(writer, next, state.Cursor, Math.Max(size, state.Cursor + page.Count), next is null ? null : expires);
            writer.WriteEndElement();
        }, []);
    }

    private OaiRecord Record(OaiItem item)
    {
        var report = item.Report;
        var sets = report is null ? [] : SetSpecs(report, item.Themes);
        var header = new OaiHeader(item.Iri, item.Datestamp, sets, item.Deleted);
        return new OaiRecord(header, item.Deleted ? null : Metadata(report!));
    }

    private static IReadOnlyList<string> SetSpecs(ReportRow report, IReadOnlyList<string> themes) =>
    [
        .. themes.Select(t => OaiSets.Spec(OaiSetKind.Theme, t)),
        .. report.Methodology is { } m ? [OaiSets.Spec(OaiSetKind.Methodology, m)] : Array.Empty<string>(),
        .. report.Country is { } c ? [OaiSets.Spec(OaiSetKind.Country, c)] : Array.Empty<string>(),
    ];

    private OaiReportMetadata Metadata(ReportRow report) => new()
    {
        Id = report.Iri,
        Url = report.Url,
        Title = report.Title,
        AuthorName = report.AuthorName,
        AuthorId = report.AuthorIri,
        Language = report.Language,
        Published = report.PublishedAt,
        Updated = report.UpdatedAt,
        License = report.License,
        Summary = SearchText.Plain(report.SummaryHtml),
        ResearchContext = report.ResearchContext,
        Aims = report.Aims,
        Methods = report.Methods,
        Findings = report.Findings,
        Methodology = report.Methodology,
        EducationalLevel = report.EducationalLevel,
        SubjectArea = report.SubjectArea,
        Country = report.Country,
        Setting = report.Setting,
        ReviewStatus = report.ReviewStatus,
        Themes = report.ThemeList,
        Publisher = report.IsLocal ? Options.NodeName : null,
        Source = report.IsLocal ? null : Origin(report.Iri),
    };

    private static string? Origin(string iri) => Uri.TryCreate(iri, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;

    private static OaiError IdDoesNotExist(string identifier) =>
        new(OaiErrorCodes.IdDoesNotExist, $"no record {OaiXml.Quote(identifier)} in this repository");

    private static OaiError CannotDisseminate(string prefix) =>
        new(OaiErrorCodes.CannotDisseminateFormat, $"records here are in oai_dc and camtree, not {OaiXml.Quote(prefix)}");
}
