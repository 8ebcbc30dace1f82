using Camtree.Protocol.Signatures.Proofs;

namespace Camtree.Tests.Protocol;

/// <summary>A Multikey resolver over a fixed set of keys, recording lookups.</summary>
internal sealed class StaticMultikeyResolver(params ResolvedMultikey[] keys) : IProofKeyResolver
{
    public List<(string Id, bool Refresh)> Lookups { get; } = [];
    public Func<string, bool, ResolvedMultikey?>? Override { get; set; }

    public Task<ResolvedMultikey?> ResolveMultikeyAsync(string verificationMethodId, bool refresh, CancellationToken cancellationToken)
    {
        Lookups.Add((verificationMethodId, refresh));
        if (Override is not null) return Task.FromResult(Override(verificationMethodId, refresh));
        return Task.FromResult(keys.FirstOrDefault(k => k.Id == verificationMethodId));
    }
}
