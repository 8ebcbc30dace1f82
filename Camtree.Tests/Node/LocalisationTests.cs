using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Camtree.Tests.Support;

namespace Camtree.Tests.Node;

/// <summary>
/// The interface in the visitor's language: from the browser's Accept-Language, or the switch in every page's header
/// (remembered); labels, help and dates in that language; the resource files complete and alike.
/// </summary>
public sealed class LocalisationTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync("l10n", seedDemo: true);

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData("es-CL,es;q=0.9,en;q=0.5", "es", "Iniciar sesión")]
    [InlineData("pt-BR", "pt-BR", "Entrar")]
    [InlineData("fil", "fil", "Mag-sign in")]
    [InlineData("de-DE,de", "en", ">Sign in</h1>")]
    public async Task The_browsers_language_is_spoken_and_English_otherwise(string acceptLanguage, string lang, string signIn)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sign-in");
        request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        using var response = await _node.Http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<html lang=\"{lang}\">", html);
        Assert.Contains(signIn, html);
    }

    [Fact]
    public async Task The_language_switch_is_remembered_and_the_editor_and_dates_follow_it()
    {
        using var browser = new Browser(_node.BaseUrl);
        using (var unknown = await browser.GetAsync("/language?to=xx")) Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        using (var chosen = await browser.GetAsync("/language?to=es")) Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        using (var signedIn = await browser.SubmitAsync("/sign-in", "/sign-in", new Dictionary<string, string> { ["userName"] = "valentina_rojas", ["password"] = "camtree-demo" }))
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        var editor = await browser.PageAsync("/write");
        Assert.Contains("<label for=\"findings\">Hallazgos</label>", editor);
        Assert.Contains("<legend>Resumen estructurado</legend>", editor);
        Assert.Contains("<label for=\"whyWeStarted\">Por qué empezamos</label>", editor);
        Assert.Contains(">Guardar borrador</button>", editor);
        Assert.Contains("aria-current=\"true\">Español</a>", editor);

        using (var saved = await browser.SubmitAsync("/write", "/write", new Dictionary<string, string> { ["action"] = "save", ["title"] = "Boletos" }))
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var month = CultureInfo.GetCultureInfo("es").DateTimeFormat.GetMonthName(_node.Clock.GetUtcNow().Month);
        Assert.Contains($"guardado el {_node.Clock.GetUtcNow().Day} {month}", await browser.PageAsync("/drafts"));

        // What is wrong is said in her language too, each problem linked to its field.
        using var incomplete = await browser.SubmitAsync("/write", "/write", new Dictionary<string, string> { ["action"] = "publish", ["title"] = "" });
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        var problems = await incomplete.Content.ReadAsStringAsync();
        Assert.Contains("<a href=\"#title\">un informe necesita un título</a>", problems);
        Assert.Contains("<a href=\"#findings\">un informe necesita sus hallazgos o un texto</a>", problems);
    }

    [Fact]
    public async Task The_search_page_the_library_and_error_pages_are_translated_and_English_is_as_it_was()
    {
        async Task<(HttpStatusCode Status, string Html)> PageAsync(string path, string acceptLanguage)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("Accept", "text/html");
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
            using var response = await _node.Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var (_, spanish) = await PageAsync("/search", "es");
        Assert.Contains("<h1>Buscar en la biblioteca</h1>", spanish);
        Assert.Contains("<label for=\"q\">Palabras, \"frases\", prefijo*, -excluir</label>", spanish);
        var (_, english) = await PageAsync("/search", "en");
        Assert.Contains("<h1>Search the library</h1>", english);
        Assert.Contains("<label for=\"q\">Words, \"phrases\", prefix*, -leave-out</label>", english);

        var (status, missing) = await PageAsync("/no/such/page", "pt-BR");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("<h1>Não encontrado</h1>", missing);
        Assert.Contains("não há nada neste endereço.", missing);
        Assert.Contains(">Voltar à biblioteca</a>", missing);

        var (_, library) = await PageAsync("/", "fil");
        Assert.Contains("na ulat na isinulat dito", library);
    }

    [Fact]
    public void Every_resource_file_translates_the_same_texts_and_none_is_empty()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Camtree.Node", "Web", "Localization");
        var files = Directory.GetFiles(directory, "Text.*.resx");
        Assert.True(files.Length >= 3, $"resource files in {directory}");
        // Resource names ignore case: two keys that differ only in case would silently drop one ("Liked" the button, "liked" the notification).
        var keys = files.Select(f => XDocument.Load(f).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!,
            StringComparer.OrdinalIgnoreCase)).ToList();
        foreach (var (file, texts) in files.Zip(keys))
        {
            Assert.Equal(keys[0].Keys.Order(StringComparer.Ordinal), texts.Keys.Order(StringComparer.Ordinal));
            Assert.All(texts, t => Assert.False(string.IsNullOrWhiteSpace(t.Value), $"{Path.GetFileName(file)}: {t.Key}"));
            // A placeholder in the English text is in the translation too.
            Assert.All(texts.Where(t => t.Key.Contains("{0}")), t => Assert.Contains("{0}", t.Value));
        }
    }

    /// <summary>
    /// Every text a page asks for by its English words (<c>T["…"]</c> with a literal) is in every resource file: a page
    /// added or changed in English only fails here, not in front of a teacher in Manila.
    /// </summary>
    [Fact]
    public void Every_literal_text_the_pages_ask_for_is_translated()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Camtree.Node");
        var files = Directory.GetFiles(Path.Combine(root, "Web", "Localization"), "Text.*.resx");
        var neutral = XDocument.Load(Path.Combine(root, "Web", "Localization", "Text.resx")).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet();
        var used = Directory.GetFiles(Path.Combine(root, "Web", "Components"), "*.razor")
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), "T\\[\"((?:[^\"\\\\]|\\\\.)*)\"[\\],]")
                .Select(m => (File: Path.GetFileName(f), Key: System.Text.RegularExpressions.Regex.Unescape(m.Groups[1].Value))))
            .ToList();
        Assert.True(used.Count > 200, $"found only {used.Count} texts: is the pattern still right?");
        foreach (var file in files)
        {
            var keys = XDocument.Load(file).Root!.Elements("data").Select(d => (string)d.Attribute("name")!).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var missing = used.Where(u => !keys.Contains(u.Key) && !neutral.Contains(u.Key)).Select(u => $"{u.File}: {u.Key}").Distinct().ToList();
            Assert.True(missing.Count == 0, $"{Path.GetFileName(file)} lacks:\n{string.Join("\n", missing)}");
        }
    }
}
