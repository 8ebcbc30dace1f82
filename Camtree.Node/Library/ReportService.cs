using Camtree.Node.Federation;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Vocabulary;

namespace Camtree.Node.Library;

/// <summary>
/// Publishes, edits and deletes local reports, and tells the author's followers: <c>Create</c>, <c>Update</c>
/// or <c>Delete</c> of the <c>Article</c>, each stored with its deliveries in one transaction.
/// </summary>
public sealed class ReportService(
    ReportStore reports, IAttachmentStore attachments, FollowStore follows, ActorStore actors, DeliveryStore deliveries, InteractionStore interactions,
    Outbox outbox, ObjectProofs proofs, DocumentBuilder documents, LocalUris uris, Themes.ThemeGroups themeGroups,
    Microsoft.Extensions.Options.IOptions<Configuration.NodeOptions> options, TimeProvider time)
{
    /// <summary>What is wrong with a draft under this node's limits (field → messages); empty when it can be published.</summary>
    public Dictionary<string, string[]> Validate(ReportDraft draft)
    {
        var errors = draft.Validate(options.Value.Limits.Report);
        // Its versions in other languages, each as its own page checks it.
        var versions = draft.Translations.SelectMany(version =>
            ValidateVersion(draft.Language, [.. draft.Translations.Where(v => v != version).Select(v => v.Language)], version)
                .SelectMany(p => p.Value.Select(message => $"the version in {version.Language}: {message}"))).ToArray();
        if (versions.Length > 0) errors["translations"] = versions;
        return errors;
    }

    /// <summary>
    /// Publishes a draft by a local practitioner, with its versions in other languages and, when it was saved as
    /// <paramref name="draftId"/>, the files attached to that draft (they become the report's in the same transaction).
    /// Throws <see cref="ArgumentException"/> for an invalid draft.
    /// </summary>
    public async Task<ReportRow> PublishAsync(LocalActor author, ReportDraft draft, long? draftId = null)
    {
        ValidateOrThrow(draft);
        var files = draftId is { } id0 ? await attachments.ForAsync(AttachmentHolder.Draft(id0)) : [];
        var slug = LocalUris.NewId();
        var now = time.GetUtcNow();
        var report = FromDraft(draft) with
        {
            Translations = ReportTranslation.ToColumn([.. draft.Translations.Select(Render)]),
            Attachments = AttachmentColumn.ToColumn(Documents(files)),
            Iri = uris.Report(slug),
            LocalSlug = slug,
            LocalAuthorId = author.Id,
            AuthorIri = uris.Actor(author.Username),
            AuthorName = author.DisplayName,
            Url = uris.Report(slug),
            PublishedAt = draft.Published ?? now,
            ReceivedAt = now,
        };

        // The Article travels with its own proof (and context), exactly as it is served at its IRI (and in the library collection).
        var article = documents.Report(report, author);
        var signed = await proofs.ReportAsync(report, author);
        report = report with { SignedJson = signed.ToJsonString(Protocol.JsonLd.ActivityJson.Options) };
        var create = documents.Activity(AsTypes.Create, author, signed, article.To, article.Cc, report.PublishedAt);
        // Signed here, not in the outbox: the theme groups embed this very Create in their Announces (FEP-1b12).
        var signedCreate = await outbox.SignAsync(author, create);
        var outgoing = new List<Outgoing> { new(author, create, true, FollowerInboxes(author), signedCreate) };

        // The node's library actor shares every report published here, so that following the library
        // (from another Camtree node, or from Mastodon) brings in all of them (FEP-1b12's Group pattern).
        if (await actors.FindByUsernameAsync(LocalUris.LibraryUsername) is { } library)
        {
            var announce = documents.Activity(AsTypes.Announce, library, report.Iri,
                [ActivityStreams.PublicIri], [uris.Followers(library.Username), report.AuthorIri], report.PublishedAt);
            outgoing.Add(new Outgoing(library, announce, true, FollowerInboxes(library)));
        }
        outgoing.AddRange(await themeGroups.AnnounceCreateAsync(report.ThemeList, report.Iri, report.AuthorIri, signedCreate, report.PublishedAt));

        long id = 0;
        await outbox.SendAsync(outgoing, alongside: async work =>
        {
            id = await reports.InsertAsync(work, report);
            if (draftId is { } fromDraft) await attachments.MoveToReportAsync(work, fromDraft, id);
        });
        return report with { Id = id };
    }

    /// <summary>
    /// Replaces a local report's text and metadata with a new draft and sends <c>Update(Article)</c>. Its versions in
    /// other languages stay (but for one in the language the report is now written in).
    /// </summary>
    public async Task<ReportRow> EditAsync(LocalActor author, ReportRow existing, ReportDraft draft)
    {
        ValidateOrThrow(draft);
        EnsureOwnLiveReport(author, existing);
        var report = FromDraft(draft) with
        {
            Id = existing.Id, Iri = existing.Iri, LocalSlug = existing.LocalSlug, LocalAuthorId = existing.LocalAuthorId,
            AuthorIri = existing.AuthorIri, AuthorName = author.DisplayName, Url = existing.Url,
            PublishedAt = existing.PublishedAt, ReceivedAt = existing.ReceivedAt,
            Translations = ReportTranslation.ToColumn([.. existing.TranslationList.Where(t => !SameLanguage(t.Language, draft.Language))]),
        };
        return await SendUpdateAsync(author, report);
    }

    /// <summary>
    /// Adds a version of a local report in another language, or replaces the one in that language, and sends
    /// <c>Update(Article)</c>: the Article's <c>nameMap</c>, <c>summaryMap</c> and <c>contentMap</c> then carry it.
    /// Throws <see cref="ArgumentException"/> (field: message) for an invalid version.
    /// </summary>
    public async Task<ReportRow> SetTranslationAsync(LocalActor author, ReportRow existing, TranslationDraft version)
    {
        EnsureOwnLiveReport(author, existing);
        if (ValidateTranslation(existing, version) is { Count: > 0 } errors)
            throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
        var language = version.Language.Trim();
        var translations = existing.TranslationList.Where(t => !SameLanguage(t.Language, language)).Append(Render(version)).ToList();
        return await SendUpdateAsync(author, existing with { Translations = ReportTranslation.ToColumn(translations) });
    }

    /// <summary>Removes a local report's version in a language and sends <c>Update(Article)</c>. False when it had none.</summary>
    public async Task<bool> RemoveTranslationAsync(LocalActor author, ReportRow existing, string language)
    {
        EnsureOwnLiveReport(author, existing);
        var kept = existing.TranslationList.Where(t => !SameLanguage(t.Language, language)).ToList();
        if (kept.Count == existing.TranslationList.Count) return false;
        await SendUpdateAsync(author, existing with { Translations = ReportTranslation.ToColumn(kept) });
        return true;
    }

    /// <summary>
    /// Attaches a file to a local report and sends <c>Update(Article)</c> with it among the Article's <c>attachment</c>s.
    /// The file's kind is told by its content (PNG, JPEG, GIF, WebP or PDF), never by its name; an image needs a
    /// description (its text alternative). Throws <see cref="ArgumentException"/> (field: message) for a file refused.
    /// </summary>
    public async Task<AttachmentRow> AttachAsync(LocalActor author, ReportRow existing, string? fileName, string? description, ReadOnlyMemory<byte> content)
    {
        EnsureOwnLiveReport(author, existing);
        var holder = AttachmentHolder.Report(existing.Id);
        var added = await AddFileAsync(author, holder, fileName, description, content);
        try { await SendUpdateAsync(author, existing with { Attachments = AttachmentColumn.ToColumn(Documents(await attachments.ForAsync(holder))) }); }
        catch
        {
            // The report was not updated: the file does not stay half-attached.
            await attachments.RemoveAsync(added.PublicId, holder);
            throw;
        }
        return added;
    }

    /// <summary>
    /// Attaches a file to a practitioner's draft (checked as <see cref="AttachAsync"/> checks it): private to its author
    /// until the draft is published, when it travels with the report's <c>Create</c>. The caller has checked the draft is theirs.
    /// </summary>
    public Task<AttachmentRow> AttachToDraftAsync(LocalActor author, long draftId, string? fileName, string? description, ReadOnlyMemory<byte> content) =>
        AddFileAsync(author, AttachmentHolder.Draft(draftId), fileName, description, content);

    private async Task<AttachmentRow> AddFileAsync(LocalActor author, AttachmentHolder holder, string? fileName, string? description, ReadOnlyMemory<byte> content)
    {
        var limits = options.Value.Limits;
        var mediaType = AttachmentTypes.Detect(content.Span[..Math.Min(content.Length, AttachmentTypes.SniffBytes)]);
        var words = (description ?? "").Trim();
        var present = await attachments.ForAsync(holder);
        if (content.Length == 0) throw new ArgumentException("file: choose a file to attach");
        if (content.Length > limits.AttachmentBytes) throw new ArgumentException($"file: a file is at most {limits.AttachmentBytes / (1024 * 1024)} MB");
        if (mediaType is null) throw new ArgumentException("file: a report carries images (PNG, JPEG, GIF, WebP) and PDFs; this file is none of them");
        if (present.Count >= limits.Report.Attachments) throw new ArgumentException($"file: a report carries at most {limits.Report.Attachments} files");
        if (AttachmentTypes.IsImage(mediaType) && words.Length == 0)
            throw new ArgumentException("description: say what the image shows, for readers who cannot see it");
        if (words.Length > limits.Report.AttachmentNameChars)
            throw new ArgumentException($"description: a description is at most {limits.Report.AttachmentNameChars} characters");
        var name = SafeFileName(fileName, mediaType);
        return await attachments.AddAsync(new AttachmentRow
        {
            OwnerActorId = author.Id, ReportId = holder.ReportId, DraftId = holder.DraftId, FileName = name, MediaType = mediaType,
            Description = words.Length > 0 ? words : name, CreatedAt = time.GetUtcNow(),
        }, content);
    }

    /// <summary>Removes a file from a local report and sends <c>Update(Article)</c> without it. False when the report has no such file.</summary>
    public async Task<bool> DetachAsync(LocalActor author, ReportRow existing, string publicId)
    {
        EnsureOwnLiveReport(author, existing);
        var holder = AttachmentHolder.Report(existing.Id);
        if (!await attachments.RemoveAsync(publicId, holder)) return false;
        await SendUpdateAsync(author, existing with { Attachments = AttachmentColumn.ToColumn(Documents(await attachments.ForAsync(holder))) });
        return true;
    }

    private List<AttachmentDocument> Documents(IReadOnlyList<AttachmentRow> rows) =>
        [.. rows.Select(a => new AttachmentDocument(uris.Attachment(a.PublicId, a.FileName), a.MediaType, a.Description))];

    /// <summary>
    /// A file name fit for an address and a download: letters, digits, <c>-_.</c> (others become <c>-</c>), at most 100
    /// characters, ending in the extension of what the file is (whatever it ended in before).
    /// </summary>
    internal static string SafeFileName(string? fileName, string mediaType)
    {
        var stem = Path.GetFileNameWithoutExtension(Path.GetFileName((fileName ?? "").Replace('\\', '/')));
        var safe = new string([.. stem.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-')]).Trim('-', '.');
        if (safe.Length == 0) safe = "file";
        if (safe.Length > 100) safe = safe[..100];
        return $"{safe}.{AttachmentTypes.Extensions[mediaType]}";
    }

    /// <summary>A version as readers see it (abstract and body as HTML, labelled in its language), with what was typed.</summary>
    private static ReportTranslation Render(TranslationDraft version)
    {
        var language = version.Language.Trim();
        var summary = ReportRendering.AbstractHtml(language, version.ResearchContext, version.Aims, version.Methods, version.Findings);
        return new ReportTranslation
        {
            Language = language, Title = version.Title.Trim(), SummaryHtml = summary,
            ContentHtml = string.IsNullOrWhiteSpace(version.Body) ? summary : ReportRendering.MarkdownToHtml(version.Body),
            ResearchContext = Blank(version.ResearchContext), Aims = Blank(version.Aims), Methods = Blank(version.Methods),
            Findings = Blank(version.Findings), BodyMarkdown = Blank(version.Body),
        };
    }

    /// <summary>What is wrong with a version in another language of <paramref name="report"/> (field → messages); empty when it can be published.</summary>
    public Dictionary<string, string[]> ValidateTranslation(ReportRow report, TranslationDraft version) =>
        ValidateVersion(report.Language, [.. report.TranslationList.Select(t => t.Language)], version);

    /// <summary>
    /// What is wrong with a version of a report written in <paramref name="ownLanguage"/> that has versions in
    /// <paramref name="otherLanguages"/> already (one in the same language is replaced, so it does not count).
    /// </summary>
    public Dictionary<string, string[]> ValidateVersion(string ownLanguage, IReadOnlyList<string> otherLanguages, TranslationDraft version)
    {
        var limits = options.Value.Limits.Report;
        var language = version.Language.Trim();
        var asDraft = new ReportDraft
        {
            Title = version.Title, Language = language, ResearchContext = version.ResearchContext, Aims = version.Aims,
            Methods = version.Methods, Findings = version.Findings, Body = version.Body,
        };
        var errors = asDraft.Validate(limits);
        if (!errors.ContainsKey("language") && SameLanguage(language, ownLanguage))
            errors["language"] = ["the report is already written in this language: a version is in another"];
        else if (!errors.ContainsKey("language") && !otherLanguages.Any(l => SameLanguage(l, language)) && otherLanguages.Count >= limits.Translations)
            errors["language"] = [$"a report has at most {limits.Translations} versions in other languages"];
        return errors;
    }

    /// <summary>Signs the report as it now is, stores it, and sends <c>Update(Article)</c> wherever a copy may be.</summary>
    private async Task<ReportRow> SendUpdateAsync(LocalActor author, ReportRow report)
    {
        report = report with { UpdatedAt = time.GetUtcNow() };
        await themeGroups.EnsureAsync(report.ThemeList);
        var article = documents.Report(report, author);
        var signed = await proofs.ReportAsync(report, author);
        report = report with { SignedJson = signed.ToJsonString(Protocol.JsonLd.ActivityJson.Options) };
        var update = documents.Activity(AsTypes.Update, author, signed, article.To, article.Cc, report.UpdatedAt!.Value);
        await outbox.SendAsync(author, update, isPublic: true, EveryCopy(author, report.Iri, await themeGroups.AnnouncingActorsAsync(report.ThemeList)),
            alongside: work => reports.UpdateLocalAsync(work, report));
        return report;
    }

    private static bool SameLanguage(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Deletes a local report: it answers 410 with a <c>Tombstone</c> from now on, and followers get
    /// <c>Delete</c> of it.
    /// </summary>
    public async Task DeleteAsync(LocalActor author, ReportRow existing)
    {
        EnsureOwnLiveReport(author, existing);
        var now = time.GetUtcNow();
        var delete = documents.Activity(AsTypes.Delete, author, documents.Tombstone(existing.Iri, now),
            [ActivityStreams.PublicIri], [uris.Followers(author.Username)], now);
        await outbox.SendAsync(author, delete, isPublic: true, EveryCopy(author, existing.Iri, await themeGroups.AnnouncingActorsAsync(existing.ThemeList)),
            alongside: async work =>
            {
                await reports.MarkDeletedAsync(existing.Iri, existing.AuthorIri, now, work);
                // The Create and Updates carried the full text: they no longer serve it.
                await outbox.WithdrawAsync(work, existing.Iri, [AsTypes.Create, AsTypes.Update]);
            });
    }

    /// <summary>
    /// Where an Update or Delete of a report goes: wherever a copy of it may be. The author's followers and the library's
    /// followers now (a library subscriber holds every report, however old), every inbox that was sent its Create, an
    /// Announce of it (the library's, a colleague's) or an earlier Update, the followers of its themes' groups
    /// (<paramref name="themeGroupActors"/>), and the remote actors known to have shared it (their own followers then
    /// get it from them, forwarded).
    /// </summary>
    private Func<UnitOfWork, Task<IEnumerable<string>>> EveryCopy(LocalActor author, string reportIri,
        IReadOnlyList<long> themeGroupActors) =>
        async work =>
        {
            var recipients = (await follows.FollowerInboxesAsync(work, author.Id)).ToList();
            if (await actors.FindByUsernameAsync(LocalUris.LibraryUsername) is { } library)
                recipients.AddRange(await follows.FollowerInboxesAsync(work, library.Id));
            foreach (var group in themeGroupActors)
                recipients.AddRange(await follows.FollowerInboxesAsync(work, group));
            recipients.AddRange(await interactions.RemoteSharerInboxesAsync(work, reportIri));
            var reached = await deliveries.InboxesReachedAsync(work, reportIri);
            return InboxResolver.ResolveInboxes(recipients).Union(reached, StringComparer.Ordinal);
        };

    private Func<UnitOfWork, Task<IEnumerable<string>>> FollowerInboxes(LocalActor author) =>
        async work => InboxResolver.ResolveInboxes(await follows.FollowerInboxesAsync(work, author.Id));

    private void EnsureOwnLiveReport(LocalActor author, ReportRow report)
    {
        if (report.LocalAuthorId != author.Id) throw new UnauthorizedAccessException("only its author can change a report");
        if (report.DeletedAt is not null) throw new ArgumentException("the report has been deleted");
    }

    private void ValidateOrThrow(ReportDraft draft)
    {
        if (Validate(draft) is { Count: > 0 } errors)
            throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));
    }

    /// <summary>What a draft says, as the columns of a report.</summary>
    private static ReportRow FromDraft(ReportDraft draft)
    {
        var summary = ReportRendering.AbstractHtml(draft.Language.Trim(), draft.ResearchContext, draft.Aims, draft.Methods, draft.Findings);
        return new ReportRow
        {
            Title = draft.Title.Trim(),
            SummaryHtml = summary,
            // A report without a body still has content for software that shows content: its abstract.
            ContentHtml = string.IsNullOrWhiteSpace(draft.Body) ? summary : ReportRendering.MarkdownToHtml(draft.Body),
            ContentMarkdown = draft.Body,
            Language = draft.Language.Trim(),
            Methodology = Blank(draft.Methodology),
            EducationalLevel = Blank(draft.EducationalLevel),
            SubjectArea = Blank(draft.SubjectArea),
            Country = Blank(draft.Country)?.ToUpperInvariant(),
            Setting = Blank(draft.Setting),
            ResearchContext = Blank(draft.ResearchContext),
            Aims = Blank(draft.Aims),
            Methods = Blank(draft.Methods),
            Findings = Blank(draft.Findings),
            License = Blank(draft.License) ?? CamtreeVocabulary.DefaultLicense,
            Themes = string.Join(' ', draft.Themes.Select(t => t.Trim().TrimStart('#').ToLowerInvariant()).Distinct()),
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
