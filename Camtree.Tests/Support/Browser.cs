using System.Net;
using System.Text.RegularExpressions;

namespace Camtree.Tests.Support;

/// <summary>
/// What a browser without script does with a node's pages, over HTTP: keeps cookies, does not follow redirects (tests
/// look at them), and posts forms with the antiforgery token the form's page carried.
/// </summary>
public sealed partial class Browser : IDisposable
{
    private readonly HttpClient _http;

    public Browser(string baseUrl)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
    }

    public CookieContainer Cookies { get; }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    /// <summary>Sends a request as made (with this browser's cookies).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    /// <summary>The page's HTML; fails unless it answers 200.</summary>
    public async Task<string> PageAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}: {html}");
        return html;
    }

    /// <summary>Opens the page with the form, then posts the form's fields with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string formPage, string action, IDictionary<string, string> fields)
    {
        var token = AntiforgeryToken(await PageAsync(formPage));
        return await PostAsync(action, new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token });
    }

    /// <summary>As <see cref="SubmitAsync(string, string, IDictionary{string, string})"/>, with fields that repeat (checkboxes of one name).</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string formPage, string action, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var token = AntiforgeryToken(await PageAsync(formPage));
        return await _http.PostAsync(action, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))));
    }

    /// <summary>Opens the page with the form, then posts it as multipart/form-data with one file, as a browser uploads.</summary>
    public async Task<HttpResponseMessage> UploadAsync(string formPage, string action, IDictionary<string, string> fields, string fileName, byte[] content,
        string contentType = "application/octet-stream", string? token = null)
    {
        token ??= AntiforgeryToken(await PageAsync(formPage));
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields.Append(new("__RequestVerificationToken", token))) form.Add(new StringContent(value), name);
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return await _http.PostAsync(action, form);
    }

    /// <summary>Posts exactly these fields (a test that wants no token, or a wrong one).</summary>
    public Task<HttpResponseMessage> PostAsync(string action, IDictionary<string, string> fields) =>
        _http.PostAsync(action, new FormUrlEncodedContent(fields));

    /// <summary>The antiforgery token a page's form carries.</summary>
    public static string AntiforgeryToken(string html) =>
        TokenField().Match(html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new Xunit.Sdk.XunitException("the page has no antiforgery field:\n" + html);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    public void Dispose() => _http.Dispose();
}
