using Camtree.Node.Library;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Federation.Handlers;

/// <summary>
/// <c>Create</c> of a research report (an <c>Article</c>) by an actor someone here follows: the report joins
/// this node's cross-node library. The object must come from the actor's own origin and be attributed to it.
/// </summary>
public sealed class CreateHandler(ReportStore reports, FollowStore follows, ActorDirectory directory, TimeProvider time) : IActivityHandler
{
    public string ActivityType => AsTypes.Create;

    public async Task<string?> HandleAsync(ReceivedActivity received, CancellationToken cancellationToken)
    {
        if (received.Activity.Object?.Embedded is not { } article)
            return "Create without an embedded object";
        if (!article.HasType(AsTypes.Article))
            return $"Create of a {article.Type}; only Articles (reports) are read so far";
        if (article.Id is null || !SameOrigin(article.Id, received.Actor))
            return "Create of an object that is not on the actor's origin";
        if (article.AttributedTo != received.Actor)
            return "Create of an object attributed to someone else";
        if (!article.IsPublic && !received.Activity.IsPublic)
            return "Create of a report that is not addressed to the public; the library only holds public reports";
        if (!await follows.IsFollowedLocallyAsync(received.Actor))
            return "Create by an actor nobody here follows";

        var author = await directory.GetAsync(received.Actor, refresh: false, cancellationToken);
        await reports.UpsertRemoteAsync(ToReport(article, author, received.Entry));
        return null;
    }

    private ReportRow ToReport(IncomingObject article, StoredRemoteActor author, InboxEntry entry) => new()
    {
        Iri = article.Id!,
        AuthorIri = author.Iri,
        AuthorName = author.DisplayName ?? author.Username ?? author.Iri,
        Title = Truncate(article.Name ?? "(untitled)", 300),
        SummaryHtml = HtmlSanitizer.Sanitize(article.Summary),
        ContentHtml = HtmlSanitizer.Sanitize(article.Content),
        Language = article.GetString("inLanguage") ?? article.Language ?? "und",
        Methodology = article.GetString("methodology"),
        EducationalLevel = article.GetString("educationalLevel"),
        SubjectArea = article.GetString("subjectArea"),
        Country = article.GetString("spatialCoverage"),
        Setting = article.GetString("setting"),
        ResearchContext = article.GetString("researchContext"),
        Aims = article.GetString("aims"),
        Methods = article.GetString("methods"),
        Findings = article.GetString("findings"),
        License = article.GetString("license") ?? CamtreeVocabulary.DefaultLicense,
        Themes = string.Join(' ', article.Tags.Where(t => t.Type == AsTypes.Hashtag && t.Name is not null)
            .Select(t => t.Name!.TrimStart('#').ToLowerInvariant()).Where(t => t.Length > 0 && !t.Contains(' ')).Distinct()),
        Url = article.Url is { } url && url.StartsWith("http", StringComparison.Ordinal) ? url : article.Id!,
        PublishedAt = article.Published ?? time.GetUtcNow(),
        ReceivedAt = time.GetUtcNow(),
        VerifiedKeyId = entry.SignerKeyId,
    };

    private static bool SameOrigin(string a, string b) =>
        Uri.TryCreate(a, UriKind.Absolute, out var x) && Uri.TryCreate(b, UriKind.Absolute, out var y) && RemoteDocumentClient.SameOrigin(x, y);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
