using Camtree.Protocol.Delivery;
using Camtree.Protocol.Signatures;

namespace Camtree.Tests.Support;

/// <summary>POSTs a hand-made activity to an inbox with a draft-cavage signature, as another server would.</summary>
public static class SignedPost
{
    public static async Task<DeliveryOutcome> SendAsync(string inbox, string json, SigningKey key, TimeProvider? time = null)
    {
        using var client = new HttpClient(new HttpSignatureHandler(time ?? TimeProvider.System, new SignatureSchemes(time ?? TimeProvider.System, HttpSignatureScheme.DraftCavage, doubleKnock: false)) { InnerHandler = new SocketsHttpHandler() });
        return await new ActivitySender(client).SendAsync(inbox, json, key, CancellationToken.None);
    }

    /// <summary>Signed with the practitioner's own RSA key (<c>#main-key</c>).</summary>
    public static async Task<DeliveryOutcome> SendAsync(string inbox, string json, Practitioner signer)
    {
        using var key = new SigningKey($"{signer.Iri}#main-key", signer.Actor.PrivateKeyPem);
        return await SendAsync(inbox, json, key);
    }
}
