using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Camtree.Protocol.JsonLd;

namespace Camtree.Protocol.Signatures.Proofs;

/// <summary>
/// The steps of the <c>eddsa-jcs-2022</c> cryptosuite
/// (<see href="https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022">vc-di-eddsa §3.3</see>) that signing and
/// verifying share: what is hashed, and how.
/// </summary>
internal static partial class EddsaJcs2022
{
    public const string ProofType = "DataIntegrityProof";
    public const string Cryptosuite = "eddsa-jcs-2022";
    public const string AssertionMethod = "assertionMethod";

    /// <summary>
    /// The unsecured document: the document without <c>proof</c> (vc-di-eddsa §3.3.2 step 1) and without a
    /// Linked Data Signature in <c>signature</c>, which FEP-8b32 ("Backward compatibility") says is added after the
    /// proof and removed before verifying it. A <c>signature</c> that is not an object is ordinary content and stays.
    /// </summary>
    public static JsonObject UnsecuredDocument(JsonObject document)
    {
        var unsecured = new JsonObject();
        foreach (var (name, value) in document)
        {
            if (name == "proof" || (name == "signature" && value is JsonObject)) continue;
            unsecured[name] = value?.DeepClone();
        }
        return unsecured;
    }

    /// <summary>
    /// hashData (§3.3.4): SHA-256 of the canonical proof configuration (§3.3.5), then SHA-256 of the canonical
    /// document (§3.3.3) — 64 bytes, the message Ed25519 signs.
    /// </summary>
    public static byte[] HashData(JsonObject proofConfig, JsonObject unsecuredDocument) =>
        HashData(proofConfig, HashDocument(unsecuredDocument));

    /// <summary>hashData from the document's hash, for a verifier that tries more than one proof configuration.</summary>
    public static byte[] HashData(JsonObject proofConfig, byte[] documentHash) =>
        [.. SHA256.HashData(JsonCanonicalizer.Canonicalize(proofConfig)), .. documentHash];

    /// <summary>transformedDocumentHash: SHA-256 of the canonical unsecured document (§3.3.3, §3.3.4 step 1).</summary>
    public static byte[] HashDocument(JsonObject unsecuredDocument) =>
        SHA256.HashData(JsonCanonicalizer.Canonicalize(unsecuredDocument));

    /// <summary>A time as the proof's <c>created</c> carries it: UTC, whole seconds, <c>Z</c> (as the FEP-8b32 vector).</summary>
    public static string FormatDateTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an XML Schema 1.1 <c>dateTime</c> (what §3.3.5 requires of <c>created</c>). A value without a time zone
    /// is read as UTC, the only reading that does not depend on where the verifier runs.
    /// </summary>
    public static bool TryParseDateTime(string? text, out DateTimeOffset time)
    {
        time = default;
        return text is not null && XsdDateTime().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex XsdDateTime();
}
