using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Camtree.Node.Library;
using Camtree.Protocol.Vocabulary;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// Every kind of document a node emits, read by a real JSON-LD processor (jsonld.js, contexts from local copies in
/// <c>interop/jsonld-check/contexts/</c>, never the network): no key is lost, and Camtree's terms expand to the IRIs
/// FEDERATION.md gives ("Camtree JSON-LD context").
/// </summary>
public sealed class JsonLdExpansionTests
{
    private const string As = "https://www.w3.org/ns/activitystreams#";
    private const string Sec = "https://w3id.org/security#";
    private const string CamtreeNs = "https://camtree.org/ns/v1#";
    private const string Schema = "http://schema.org/";

    private static ReportDraft Draft => new()
    {
        Title = "Charlas en parejas antes de cada pregunta",
        Language = "es",
        ResearchContext = "Dos cursos de cuarto básico en una escuela pública de Valparaíso.",
        Aims = "Ver si conversar en parejas aumenta la participación.",
        Methods = "Estudio de clases: dos ciclos, observación y voz de los estudiantes.",
        Findings = "La participación subió en ambos cursos; los estudiantes más callados hablaron más.",
        Body = "## Qué probamos\nConversación en parejas antes de cada pregunta a todo el curso.",
        Methodology = "lesson-study",
        EducationalLevel = "primary",
        SubjectArea = "mathematics",
        Country = "CL",
        Setting = "escuela pública, cuarto básico, dos cursos",
        Themes = ["oracy"],
    };

    /// <summary>The Article's terms and the IRIs they must expand to (FEDERATION.md, and AS2 for the rest).</summary>
    private static readonly Dictionary<string, string> ArticleTerms = new()
    {
        ["methodology"] = CamtreeNs + "methodology",
        ["researchContext"] = CamtreeNs + "researchContext",
        ["aims"] = CamtreeNs + "aims",
        ["methods"] = CamtreeNs + "methods",
        ["findings"] = CamtreeNs + "findings",
        ["setting"] = CamtreeNs + "setting",
        ["subjectArea"] = CamtreeNs + "subjectArea",
        ["reviewStatus"] = CamtreeNs + "reviewStatus",
        ["educationalLevel"] = Schema + "educationalLevel",
        ["inLanguage"] = Schema + "inLanguage",
        ["spatialCoverage"] = Schema + "spatialCoverage",
        ["license"] = Schema + "license",
        ["id"] = "@id",
        ["type"] = "@type",
        ["attributedTo"] = As + "attributedTo",
        ["name"] = As + "name",
        ["nameMap"] = As + "name",
        ["summary"] = As + "summary",
        ["content"] = As + "content",
        ["contentMap"] = As + "content",
        ["url"] = As + "url",
        ["published"] = As + "published",
        ["to"] = As + "to",
        ["cc"] = As + "cc",
        ["tag"] = As + "tag",
        ["href"] = As + "href",
        ["replies"] = As + "replies",
        ["likes"] = As + "likes",
        ["shares"] = As + "shares",
    };

    private static readonly Dictionary<string, string> ActorTerms = new()
    {
        ["preferredUsername"] = As + "preferredUsername",
        ["inbox"] = "http://www.w3.org/ns/ldp#inbox",
        ["outbox"] = As + "outbox",
        ["followers"] = As + "followers",
        ["following"] = As + "following",
        ["endpoints"] = As + "endpoints",
        ["sharedInbox"] = As + "sharedInbox",
        ["manuallyApprovesFollowers"] = As + "manuallyApprovesFollowers",
        ["publicKey"] = Sec + "publicKey",
        ["owner"] = Sec + "owner",
        ["publicKeyPem"] = Sec + "publicKeyPem",
    };

    private static async Task<JsonElement> GetAsync(TestNode node, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd(ActivityStreams.MediaType);
        using var response = await node.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {url}: {(int)response.StatusCode}, expected {(int)expected}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A collection and its first page (followed through <c>first</c>, whatever the page parameter).</summary>
    private static async Task AddCollectionAsync(TestNode node, List<(string What, JsonElement Document)> documents, string what, string url)
    {
        var collection = await GetAsync(node, url);
        documents.Add((what, collection));
        documents.Add(($"{what}, first page", await GetAsync(node, collection.GetProperty("first").GetString()!)));
    }

    private static void AssertNothingLost(string what, JsonLdExpansion expansion)
    {
        Assert.True(expansion.DroppedKeys.Count == 0, $"{what}: the JSON-LD processor dropped [{string.Join(", ", expansion.DroppedKeys)}]: {expansion.Describe()}");
        Assert.True(expansion.BadTypes.Count == 0, $"{what}: types that are no IRI [{string.Join(", ", expansion.BadTypes)}]");
        // The one relative IRI left is AS2's own: its context coerces formerType with "@type": "@id", not "@vocab", so
        // "formerType": "Article" is a relative reference to a JSON-LD processor (w3c/activitystreams#642).
        var relative = expansion.RelativeIris.Where(r => !(r.Path.EndsWith(As + "formerType", StringComparison.Ordinal) && r.Value == AsTypes.Article)).ToList();
        Assert.True(relative.Count == 0, $"{what}: relative IRIs [{string.Join(", ", relative.Select(r => $"{r.Path} = {r.Value}"))}]");
        Assert.True(expansion.Warnings.Count == 0, $"{what}: processor warnings [{string.Join(", ", expansion.Warnings)}]");
    }

    private static void AssertTerms(string what, JsonLdExpansion expansion, IReadOnlyDictionary<string, string> terms)
    {
        foreach (var (term, iri) in terms)
        {
            var iris = expansion.TermIris(term);
            Assert.True(iris.Count == 1 && iris[0] == iri, $"{what}: '{term}' expanded to [{string.Join(", ", iris)}], expected {iri}");
        }
    }

    [Fact]
    public async Task Every_kind_of_document_expands_with_no_key_dropped()
    {
        await using var node = await TestNode.StartAsync("jsonld");
        var author = await node.AddPractitionerAsync("ines", "Inés Fuentes");
        var reader = await node.AddPractitionerAsync("tomas", "Tomás Rojas", manuallyApprovesFollowers: true);
        var reports = node.Get<ReportService>();
        // The author with a whole profile, and a report with a version in another language and a file: every optional term is emitted.
        var profiled = await node.Get<ProfileService>().SetProfileAsync(author.Actor, new Camtree.Node.Storage.ProfileFields("Inés Fuentes",
            "Profesora de matemáticas.", false, "Escuela Básica Valparaíso", "0000-0002-1825-0097", "CL", ["es", "en"]));
        var report = await reports.PublishAsync(profiled, Draft);
        report = await reports.SetTranslationAsync(profiled, report, new TranslationDraft
            { Language = "en", Title = "Talk partners before every question", Findings = "Participation rose in both classes." });
        await reports.AttachAsync(profiled, report, "exit-ticket.png", "An exit ticket, answered in pencil", AttachmentTests.Png);
        report = (await node.Get<Camtree.Node.Storage.ReportStore>().FindAsync(report.Id))!;
        var interactions = node.Get<InteractionService>();
        Assert.True(await interactions.LikeAsync(reader.Actor, report.Iri, CancellationToken.None));
        Assert.True(await interactions.ShareAsync(reader.Actor, report.Iri, CancellationToken.None));
        var reply = await interactions.ReplyAsync(reader.Actor, report.Iri, "¿Los más callados dijeron por qué?", CancellationToken.None);

        var documents = new List<(string What, JsonElement Document)>
        {
            ("Person actor", await GetAsync(node, author.Iri)),
            ("Person actor approving followers by hand", await GetAsync(node, reader.Iri)),
            ("library Service actor", await GetAsync(node, $"{node.BaseUrl}/users/library")),
            ("report Article", await GetAsync(node, report.Iri)),
            ("comment Note", await GetAsync(node, reply.Iri)),
        };
        await AddCollectionAsync(node, documents, "outbox (Create of the Article)", $"{author.Iri}/outbox");
        await AddCollectionAsync(node, documents, "library outbox (Announce)", $"{node.BaseUrl}/users/library/outbox");
        await AddCollectionAsync(node, documents, "reader's outbox (Announce, Create of the Note)", $"{reader.Iri}/outbox");
        await AddCollectionAsync(node, documents, "followers", $"{author.Iri}/followers");
        await AddCollectionAsync(node, documents, "following", $"{reader.Iri}/following");
        await AddCollectionAsync(node, documents, "likes of the report", $"{report.Iri}/likes");
        await AddCollectionAsync(node, documents, "shares of the report", $"{report.Iri}/shares");
        await AddCollectionAsync(node, documents, "replies to the report", $"{report.Iri}/replies");

        await reports.DeleteAsync(author.Actor, report);
        documents.Add(("Tombstone of the deleted report (410)", await GetAsync(node, report.Iri, HttpStatusCode.Gone)));
        await AddCollectionAsync(node, documents, "outbox after the delete (Delete of the Tombstone)", $"{author.Iri}/outbox");

        var expansions = await JsonLdProcessor.ExpandAsync(documents.Select(d => d.Document).ToList());
        Assert.Equal(documents.Count, expansions.Count);
        for (var i = 0; i < documents.Count; i++) AssertNothingLost(documents[i].What, expansions[i]);

        // Each kind came out as the AS2 type it claims to be.
        var byKind = documents.Select(d => d.What).Zip(expansions).ToDictionary(p => p.First, p => p.Second);
        Assert.Contains(As + "Person", byKind["Person actor"].Types);
        Assert.Contains(As + "Service", byKind["library Service actor"].Types);
        Assert.Contains(As + "Article", byKind["report Article"].Types);
        Assert.Contains(As + "Hashtag", byKind["report Article"].Types);
        Assert.Contains(As + "Note", byKind["comment Note"].Types);
        Assert.Contains(As + "Create", byKind["outbox (Create of the Article), first page"].Types);
        Assert.Contains(As + "Announce", byKind["library outbox (Announce), first page"].Types);
        Assert.Contains(As + "Tombstone", byKind["Tombstone of the deleted report (410)"].Types);
        Assert.Contains(As + "Delete", byKind["outbox after the delete (Delete of the Tombstone), first page"].Types);
        Assert.Contains(As + "items", byKind["likes of the report, first page"].Properties);

        // The actor's extension terms: Mastodon's manuallyApprovesFollowers, and the key from security/v1.
        AssertTerms("Person actor", byKind["Person actor"], ActorTerms);
        AssertTerms("Person actor", byKind["Person actor"], new Dictionary<string, string>
        {
            ["affiliation"] = Schema + "affiliation", ["sameAs"] = Schema + "sameAs", ["country"] = CamtreeNs + "country",
            ["knowsLanguage"] = Schema + "knowsLanguage", ["attachment"] = As + "attachment", ["value"] = Schema + "value",
        });
        Assert.Contains(Schema + "PropertyValue", byKind["Person actor"].Types);
        AssertTerms("report Article", byKind["report Article"], new Dictionary<string, string>
        {
            ["summaryMap"] = As + "summary", ["attachment"] = As + "attachment", ["mediaType"] = As + "mediaType",
        });
        Assert.Contains(As + "Document", byKind["report Article"].Types);
        AssertTerms("library Service actor", byKind["library Service actor"], ActorTerms);
        var approves = byKind["Person actor approving followers by hand"].Values(As + "manuallyApprovesFollowers");
        Assert.True(approves.Count == 1 && approves[0].GetProperty("@value").GetBoolean(), $"manuallyApprovesFollowers: {string.Join(", ", approves)}");
    }

    [Fact]
    public async Task The_Article_s_research_terms_expand_to_the_IRIs_FEDERATION_md_gives()
    {
        await using var node = await TestNode.StartAsync("jsonld");
        var author = await node.AddPractitionerAsync("ines", "Inés Fuentes");
        var report = await node.Get<ReportService>().PublishAsync(author.Actor, Draft);
        var article = await GetAsync(node, report.Iri);

        // The same Article with its inline Camtree definitions replaced by the URL of the stand-alone context, which
        // FEDERATION.md says stands on its own: a processor must read the two alike.
        var byUrl = JsonNode.Parse(article.GetRawText())!.AsObject();
        var context = byUrl["@context"]!.AsArray();
        Assert.IsType<JsonObject>(context[^1]);
        context[^1] = $"{node.BaseUrl}/ns/camtree/v1";

        var expansions = await JsonLdProcessor.ExpandAsync([article, JsonSerializer.SerializeToElement(byUrl)]);
        var inline = expansions[0];
        AssertNothingLost("report Article", inline);
        AssertTerms("report Article", inline, ArticleTerms);

        // The values land under those IRIs as the draft gave them.
        string Literal(string iri) => Assert.Single(inline.Values(iri)).GetProperty("@value").GetString()!;
        Assert.Equal("lesson-study", Literal(CamtreeNs + "methodology"));
        Assert.Equal(Draft.ResearchContext, Literal(CamtreeNs + "researchContext"));
        Assert.Equal(Draft.Aims, Literal(CamtreeNs + "aims"));
        Assert.Equal(Draft.Methods, Literal(CamtreeNs + "methods"));
        Assert.Equal(Draft.Findings, Literal(CamtreeNs + "findings"));
        Assert.Equal(Draft.Setting, Literal(CamtreeNs + "setting"));
        Assert.Equal("mathematics", Literal(CamtreeNs + "subjectArea"));
        Assert.Equal("primary", Literal(Schema + "educationalLevel"));
        Assert.Equal("es", Literal(Schema + "inLanguage"));
        Assert.Equal("CL", Literal(Schema + "spatialCoverage"));
        // license is "@type": "@id": a node reference, not a string.
        Assert.Equal(CamtreeVocabulary.DefaultLicense, Assert.Single(inline.Values(Schema + "license")).GetProperty("@id").GetString());
        Assert.Contains(inline.Values(As + "name"), v => v.GetProperty("@value").GetString() == Draft.Title);
        Assert.Contains(inline.Values(As + "name"), v => v.TryGetProperty("@language", out var language) && language.GetString() == "es");
        Assert.Equal(As + "Article", Assert.Single(Assert.Single(inline.Expanded.EnumerateArray()).GetProperty("@type").EnumerateArray()).GetString());
        var tag = Assert.Single(inline.Values(As + "tag"));
        Assert.Equal(As + "Hashtag", Assert.Single(tag.GetProperty("@type").EnumerateArray()).GetString());

        var viaUrl = expansions[1];
        AssertNothingLost("report Article with the stand-alone context", viaUrl);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(inline.Expanded.GetRawText()), JsonNode.Parse(viaUrl.Expanded.GetRawText())),
            $"the stand-alone context reads differently from the inline definitions:\n{inline.Expanded}\n---\n{viaUrl.Expanded}");
    }

    [Fact]
    public async Task The_local_copy_of_the_stand_alone_context_is_what_the_node_serves()
    {
        await using var node = await TestNode.StartAsync("jsonld");
        using var response = await node.Http.GetAsync("/ns/camtree/v1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ld+json", response.Content.Headers.ContentType!.MediaType);
        var served = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        var copyPath = Path.Combine(JsonLdProcessor.Directory, "contexts", "camtree-v1.jsonld");
        var copy = JsonNode.Parse(await File.ReadAllTextAsync(copyPath));
        Assert.True(JsonNode.DeepEquals(served, copy),
            $"{copyPath} is not what /ns/camtree/v1 serves: replace it with the served document.\nserved: {served?.ToJsonString()}");
    }
}
