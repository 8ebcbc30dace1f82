using System.Text.Json;
using Camtree.Protocol.Signatures;

namespace Camtree.Tests.Support;

/// <summary>Test fixtures from <c>Fixtures/</c>: spec vectors and captured real payloads.</summary>
public static class Fixtures
{
    public static JsonElement Load(string relativePath)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", relativePath);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    public static string Text(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    /// <summary>A request from a fixture object with <c>method</c>, <c>path</c>, <c>headers</c> and optionally <c>bodyBase64</c>/<c>body</c>.</summary>
    public static HttpRequestParts Request(JsonElement fixture, JsonElement? headersOverride = null)
    {
        var headers = (headersOverride ?? fixture.GetProperty("headers")).EnumerateObject()
            .Select(h => new KeyValuePair<string, string>(h.Name, h.Value.GetString()!));
        ReadOnlyMemory<byte>? body = null;
        if (fixture.TryGetProperty("bodyBase64", out var b64) && b64.ValueKind == JsonValueKind.String)
            body = Convert.FromBase64String(b64.GetString()!);
        else if (fixture.TryGetProperty("body", out var text) && text.ValueKind == JsonValueKind.String)
            body = System.Text.Encoding.UTF8.GetBytes(text.GetString()!);
        return HttpRequestParts.Create(fixture.Text("method"), fixture.Text("path"), headers, body);
    }
}

/// <summary>A key resolver over a fixed set of keys, counting lookups.</summary>
public sealed class StaticKeyResolver(params ResolvedPublicKey[] keys) : IPublicKeyResolver
{
    public List<(string KeyId, bool Refresh)> Lookups { get; } = [];
    public Func<string, bool, ResolvedPublicKey?>? Override { get; set; }

    public Task<ResolvedPublicKey?> ResolveAsync(string keyId, bool refresh, CancellationToken cancellationToken)
    {
        Lookups.Add((keyId, refresh));
        if (Override is not null) return Task.FromResult(Override(keyId, refresh));
        return Task.FromResult(keys.FirstOrDefault(k => k.KeyId == keyId));
    }
}
