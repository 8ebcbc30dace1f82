using Camtree.Node.Federation;
using Camtree.Node.Federation.Handlers;
using Camtree.Node.Storage;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Signatures.Proofs;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library;

/// <summary>What became of a report taken from a mirror or an index.</summary>
/// <param name="Verified">Its object proof held and is by its author: it is in the library as the author's.</param>
/// <param name="Reason">Why it is flagged, when it is not verified.</param>
public sealed record CopyResult(string Iri, bool Verified, bool Stored, string? Reason, string? VerifiedKeyId);

/// <summary>
/// Takes reports from servers that are not their origin — a mirror, an index, a colleague's archive — and
/// believes them only through their FEP-8b32 proof: verified against the author's own key (fetched from the
/// author's server), it joins the library as the author's; otherwise it is kept flagged, and only if the library
/// had no copy of it.
/// </summary>
public sealed class ReportCopies(
    RemoteDocumentClient remote, ProofVerifier proofs, ReportStore reports, ActorDirectory directory, SigningKeys keys,
    Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options, TimeProvider time)
{
    public async Task<CopyResult> TakeCopyAsync(string url, CancellationToken cancellationToken)
    {
        var (view, document) = await remote.FetchCopyAsync(url, keys.InstanceKey(), cancellationToken);
        if (!view.HasType(AsTypes.Article) || view.Id is null || view.AttributedTo is null)
            throw new ArgumentException($"{url} is not a research report (an Article with an id and an author)");
        if (!view.IsListed) throw new ArgumentException($"{url} is not a public report");
        // A report lives on its author's server: a copy claiming a report id on one origin by an author on another
        // would let anyone squat on someone else's report.
        if (!Uri.TryCreate(view.Id, UriKind.Absolute, out _) || !Origin.Same(view.Id, view.AttributedTo))
            throw new ArgumentException($"{url} claims a report id ({view.Id}) that is not on its author's server");

        var verification = await proofs.VerifyProofAsync(document, cancellationToken: cancellationToken);
        var verified = verification.IsValid && verification.Controller == view.AttributedTo;
        var author = await directory.GetAsync(view.AttributedTo, refresh: false, cancellationToken);
        var now = time.GetUtcNow();
        var report = RemoteReports.FromArticle(view, author, verified ? verification.VerificationMethod : null, now, options.Value.Limits.Report, proofVerified: verified) with
        {
            CopiedFrom = new Uri(url).GetLeftPart(UriPartial.Authority) == new Uri(view.Id).GetLeftPart(UriPartial.Authority) ? null : url,
        };
        if (verified)
        {
            await reports.UpsertRemoteAsync(report);
            return new CopyResult(view.Id, true, true, null, verification.VerificationMethod);
        }
        var reason = verification.IsValid
            ? $"its proof is by {verification.Controller}, not by its author {view.AttributedTo}"
            : $"its proof does not hold: {verification.Reason}";
        var stored = await reports.InsertFlaggedCopyAsync(report);
        return new CopyResult(view.Id, false, stored, reason, null);
    }
}
