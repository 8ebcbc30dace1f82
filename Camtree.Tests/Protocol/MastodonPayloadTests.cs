using System.Text.Json;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.JsonLd;
using Camtree.Protocol.Signatures;
using Camtree.Protocol.Vocabulary;
using Camtree.Tests.Support;

namespace Camtree.Tests.Protocol;

/// <summary>
/// Activities that Mastodon servers really sent, read through <see cref="IncomingObject"/> the way the inbox
/// handlers read them. Where each payload comes from is in <c>Fixtures/Mastodon/SOURCES.md</c>.
/// </summary>
public sealed class MastodonPayloadTests
{
    private static IncomingObject Load(string name) => IncomingObject.Parse(Fixtures.Load($"Mastodon/{name}"));

    private static DateTimeOffset? Utc(int year, int month, int day, int hour, int minute, int second) =>
        new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);

    private static async Task<SignatureVerification> VerifyCaptureAsync(JsonElement capture)
    {
        var keyId = capture.Text("keyId");
        var keys = new StaticKeyResolver(new ResolvedPublicKey(keyId, keyId.Split('#')[0], capture.Text("publicKeyPem")));
        var verifier = new CavageVerifier(keys, new PublicKeyCache(), new FixedTimeProvider(DateTimeOffset.Parse(capture.Text("signedAt"))));
        return await verifier.VerifyRequestAsync(Fixtures.Request(capture));
    }

    [Fact]
    public void A_Mastodon_Follow_names_the_follower_and_the_followed_actor_by_IRI()
    {
        var follow = Load("follow.json");

        Assert.Equal(AsTypes.Follow, follow.Type);
        Assert.Equal("https://mastodon.social/831ce9c2-cdaf-4ba0-96e2-a73694972b99", follow.Id);
        Assert.Equal("https://mastodon.social/users/testingshtuff", follow.Actor);
        Assert.NotNull(follow.Object);
        Assert.Equal("https://a424-171-97-56-187.ngrok-free.app/activitypub/actor/deadbeefdeadbeefdeadbeef", follow.Object.Iri);
        Assert.Null(follow.Object.Embedded);
        Assert.Empty(follow.To);
        Assert.Empty(follow.Cc);
        Assert.False(follow.IsPublic);
    }

    [Fact]
    public void A_Mastodon_Create_Note_reads_its_reply_target_mentions_and_audience()
    {
        var create = Load("create-note.json");

        Assert.Equal(AsTypes.Create, create.Type);
        Assert.Equal("https://mastodon.madrid/users/felix/statuses/107224289116410645/activity", create.Id);
        Assert.Equal("https://mastodon.madrid/users/felix", create.Actor);
        Assert.Equal(Utc(2021, 11, 5, 11, 46, 50), create.Published);

        Assert.NotNull(create.Object);
        Assert.Equal("https://mastodon.madrid/users/felix/statuses/107224289116410645", create.Object.Iri);
        var note = create.Object.Embedded;
        Assert.NotNull(note);
        Assert.Equal(AsTypes.Note, note.Type);
        Assert.Equal(create.Object.Iri, note.Id);
        Assert.Equal("https://mastodon.madrid/users/felix", note.AttributedTo);
        Assert.Equal("https://mamot.fr/users/retiolus/statuses/107224244380204526", note.InReplyTo);
        Assert.Equal("https://mastodon.madrid/@felix/107224289116410645", note.Url);
        Assert.Equal(Utc(2021, 11, 5, 11, 46, 50), note.Published);
        Assert.Null(note.Summary); // "summary": null

        // Mastodon's "unlisted": followers in to, Public only in cc. IsPublic is true for it too.
        Assert.Equal(["https://mastodon.madrid/users/felix/followers"], note.To);
        Assert.Equal([ActivityStreams.PublicIri, "https://mamot.fr/users/retiolus"], note.Cc);
        Assert.True(note.IsPublic);
        Assert.True(create.IsPublic);
        Assert.False(note.IsListed); // so it stays out of the library's listings
        Assert.False(create.IsListed);

        // The mention's href is the actor IRI; the link in the content is the profile page.
        var mention = Assert.Single(note.Tags);
        Assert.Equal("Mention", mention.Type);
        Assert.Equal("https://mamot.fr/users/retiolus", mention.Href);
        Assert.Equal("@retiolus@mamot.fr", mention.Name);
        Assert.NotNull(note.Content);
        Assert.StartsWith("<p><span class=\"h-card\"><a href=\"https://mamot.fr/@retiolus\" class=\"u-url mention\">", note.Content);
        Assert.Equal("en", note.Language);
    }

    [Fact]
    public void A_Mastodon_Create_Note_addressed_to_Public_reads_its_mention_and_its_escaped_HTML()
    {
        var create = Load("create-note-2025.json");

        Assert.Equal(AsTypes.Create, create.Type);
        Assert.Equal("https://r.town/users/vincent", create.Actor);
        Assert.Equal(Utc(2025, 8, 4, 17, 12, 44), create.Published);
        var note = create.Object?.Embedded;
        Assert.NotNull(note);
        Assert.Equal("https://r.town/users/vincent/statuses/114971611237873808", note.Id);
        Assert.Equal(AsTypes.Note, note.Type);
        Assert.Equal("https://r.town/users/vincent", note.AttributedTo);
        Assert.Null(note.InReplyTo); // "inReplyTo": null

        Assert.Equal([ActivityStreams.PublicIri], note.To);
        Assert.Equal(
            ["https://r.town/users/vincent/followers", "https://hacker.makeup/users/frontpage", "https://hacker.makeup/users/frontpage/followers"],
            note.Cc);
        Assert.True(note.IsPublic);

        var mention = Assert.Single(note.Tags);
        Assert.Equal("Mention", mention.Type);
        Assert.Equal("https://hacker.makeup/users/frontpage", mention.Href);
        Assert.Equal("@frontpage@hacker.makeup", mention.Name);

        // Mastodon escapes < and > as \u003c and \u003e; the parsed content is plain HTML.
        Assert.NotNull(note.Content);
        Assert.StartsWith("<p>Lemmy users! Could you test if you are able to join <span class=\"h-card\" translate=\"no\">", note.Content);
        Assert.Equal("en", note.Language);
    }

    [Fact]
    public async Task A_signed_Mastodon_Create_Note_verifies_and_its_body_reads_as_a_public_post_by_the_signer()
    {
        var capture = Fixtures.Load("Mastodon/create-note.request.json");

        var result = await VerifyCaptureAsync(capture);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("https://mastodon.social/users/testingshtuff#main-key", result.KeyId);

        var create = IncomingObject.Parse(Convert.FromBase64String(capture.Text("bodyBase64")));
        Assert.Equal(AsTypes.Create, create.Type);
        Assert.Equal("https://mastodon.social/users/testingshtuff/statuses/112885482706774905/activity", create.Id);
        Assert.Equal(result.KeyOwner, create.Actor);
        Assert.Equal(Utc(2024, 8, 1, 7, 2, 48), create.Published);

        var note = create.Object?.Embedded;
        Assert.NotNull(note);
        Assert.Equal("https://mastodon.social/users/testingshtuff/statuses/112885482706774905", note.Id);
        Assert.Equal(create.Actor, note.AttributedTo);
        Assert.Null(note.InReplyTo);
        Assert.Equal([ActivityStreams.PublicIri], note.To);
        Assert.Equal(["https://mastodon.social/users/testingshtuff/followers"], note.Cc);
        Assert.True(note.IsPublic);
        Assert.Empty(note.Tags);
        Assert.Equal("<p>Here is some content</p>", note.Content);
        Assert.Equal("en", note.Language);
        Assert.Equal("https://mastodon.social/@testingshtuff/112885482706774905", note.Url);
    }

    [Fact]
    public void A_Mastodon_Update_of_the_actor_embeds_a_profile_that_reads_as_a_remote_actor()
    {
        var update = Load("update-person.json");

        Assert.Equal(AsTypes.Update, update.Type);
        Assert.Equal("http://mastodon.example.org/users/gargron#updates/1519563538", update.Id);
        Assert.Equal("http://mastodon.example.org/users/gargron", update.Actor);
        Assert.NotNull(update.Object);
        Assert.Equal(update.Actor, update.Object.Iri); // an actor updating itself
        var person = update.Object.Embedded;
        Assert.NotNull(person);
        Assert.Equal(AsTypes.Person, person.Type);

        var actor = RemoteActor.FromDocument(person);

        Assert.NotNull(actor);
        Assert.Equal("http://mastodon.example.org/users/gargron", actor.Id);
        Assert.Equal(AsTypes.Person, actor.Type);
        Assert.Equal("gargron", actor.PreferredUsername);
        Assert.Equal("gargle", actor.Name);
        Assert.Equal("http://mastodon.example.org/users/gargron/inbox", actor.Inbox);
        Assert.Equal("http://mastodon.example.org/inbox", actor.SharedInbox);
        Assert.Equal("http://mastodon.example.org/inbox", actor.DeliveryInbox);
        Assert.Equal("http://mastodon.example.org/users/gargron/outbox", actor.Outbox);
        Assert.Equal("http://mastodon.example.org/users/gargron/followers", actor.Followers);
        Assert.Equal("http://mastodon.example.org/@gargron", actor.Url);
        Assert.False(actor.ManuallyApprovesFollowers);
        var key = Assert.Single(actor.PublicKeys);
        Assert.Equal("http://mastodon.example.org/users/gargron#main-key", key.KeyId);
        Assert.Equal("http://mastodon.example.org/users/gargron", key.Owner);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", key.PublicKeyPem);
    }

    [Fact]
    public void A_Mastodon_actor_document_reads_with_its_key_shared_inbox_and_empty_display_name()
    {
        var document = Load("actor-person.json");

        var actor = RemoteActor.FromDocument(document);

        Assert.NotNull(actor);
        Assert.Equal("https://mastodon.madrid/users/felix", actor.Id);
        Assert.Equal("felix", actor.PreferredUsername);
        Assert.Null(actor.Name); // Mastodon sends "name": "" when no display name is set: read as no name
        Assert.Equal("https://mastodon.madrid/users/felix/inbox", actor.Inbox);
        Assert.Equal("https://mastodon.madrid/inbox", actor.DeliveryInbox);
        Assert.Equal("https://mastodon.madrid/@felix", actor.Url);
        var key = Assert.Single(actor.PublicKeys);
        Assert.Equal("https://mastodon.madrid/users/felix#main-key", key.KeyId);
        Assert.Equal(actor.Id, key.Owner);
        Assert.NotNull(new PublicKeyCache().GetRsa(key.PublicKeyPem));
        var hashtag = Assert.Single(document.Tags);
        Assert.Equal(AsTypes.Hashtag, hashtag.Type);
        Assert.Equal("#lemmy", hashtag.Name);
        Assert.Equal("https://mastodon.madrid/explore/lemmy", hashtag.Href);
    }

    [Fact]
    public void A_Mastodon_Delete_of_a_status_gives_the_status_IRI_from_its_embedded_Tombstone()
    {
        var delete = Load("delete.json");

        Assert.Equal(AsTypes.Delete, delete.Type);
        Assert.Equal("https://mastodon.madrid/users/felix/statuses/107773559874184870#delete", delete.Id);
        Assert.Equal("https://mastodon.madrid/users/felix", delete.Actor);
        Assert.NotNull(delete.Object);
        Assert.Equal("https://mastodon.madrid/users/felix/statuses/107773559874184870", delete.Object.Iri);
        Assert.NotEqual(delete.Actor, delete.Object.Iri); // a status, not the account
        var tombstone = delete.Object.Embedded; // {id, type, atomUri}: atomUri makes it an embedding
        Assert.NotNull(tombstone);
        Assert.Equal(AsTypes.Tombstone, tombstone.Type);
        Assert.Equal(delete.Object.Iri, tombstone.Id);
        Assert.Equal(delete.Object.Iri, tombstone.GetString("atomUri"));
        Assert.Equal([ActivityStreams.PublicIri], delete.To);
        Assert.True(delete.IsPublic);
    }

    [Fact]
    public void A_Mastodon_Delete_of_the_account_names_the_actor_itself_as_its_object()
    {
        var delete = Load("delete-actor.json");

        Assert.Equal(AsTypes.Delete, delete.Type);
        Assert.Equal("https://red.niboe.info/users/JotaLuis#delete", delete.Id);
        Assert.Equal("https://red.niboe.info/users/JotaLuis", delete.Actor);
        Assert.NotNull(delete.Object);
        Assert.Equal(delete.Actor, delete.Object.Iri);
        Assert.Null(delete.Object.Embedded);
        Assert.Equal([ActivityStreams.PublicIri], delete.To);
        Assert.True(delete.IsPublic);
    }

    [Fact]
    public async Task A_signed_Mastodon_account_Delete_verifies_and_its_signer_is_the_deleted_actor()
    {
        var capture = Fixtures.Load("Mastodon/delete-actor.request.json");

        var result = await VerifyCaptureAsync(capture);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal("https://red.niboe.info/users/JotaLuis#main-key", result.KeyId);
        var delete = IncomingObject.Parse(Convert.FromBase64String(capture.Text("bodyBase64")));
        Assert.Equal(result.KeyOwner, delete.Actor);
        Assert.Equal(delete.Actor, delete.Object?.Iri);
    }

    [Fact]
    public void A_Mastodon_Announce_names_the_boosted_status_by_IRI_without_embedding_it()
    {
        var announce = Load("announce.json");

        Assert.Equal(AsTypes.Announce, announce.Type);
        Assert.Equal("https://mastodon.social/users/dansup/statuses/100784657480587830/activity", announce.Id);
        Assert.Equal("https://mastodon.social/users/dansup", announce.Actor);
        Assert.Equal(Utc(2018, 9, 25, 5, 3, 49), announce.Published);
        Assert.NotNull(announce.Object);
        Assert.Equal("https://pleroma.site/objects/68b5c876-f52b-4819-8d81-de6839d73fbc", announce.Object.Iri);
        Assert.Null(announce.Object.Embedded);
        Assert.Equal([ActivityStreams.PublicIri], announce.To);
        Assert.Equal(["https://pleroma.site/users/pixeldev", "https://mastodon.social/users/dansup/followers"], announce.Cc);
        Assert.True(announce.IsPublic);
    }

    [Fact]
    public void A_Mastodon_Undo_Follow_embeds_the_Follow_it_withdraws()
    {
        var undo = Load("undo-follow.json");

        Assert.Equal(AsTypes.Undo, undo.Type);
        Assert.Equal("https://mastodon.social/users/testingshtuff#follows/42474767/undo", undo.Id);
        Assert.Equal("https://mastodon.social/users/testingshtuff", undo.Actor);
        Assert.NotNull(undo.Object);
        Assert.Equal("https://mastodon.social/26f93d6c-76e7-4b70-9a8c-733310a25824", undo.Object.Iri);
        var follow = undo.Object.Embedded;
        Assert.NotNull(follow);
        Assert.Equal(AsTypes.Follow, follow.Type);
        Assert.Equal(undo.Actor, follow.Actor);
        Assert.Equal("https://a424-171-97-56-187.ngrok-free.app/activitypub/actor/deadbeefdeadbeefdeadbeef", follow.Object?.Iri);
    }

    [Fact]
    public void A_Mastodon_Undo_Announce_embeds_the_boost_it_withdraws()
    {
        var undo = Load("undo-announce.json");

        Assert.Equal(AsTypes.Undo, undo.Type);
        Assert.Equal("http://mastodon.example.org/users/admin#announces/100011594053806179/undo", undo.Id);
        Assert.Equal("http://mastodon.example.org/users/admin", undo.Actor);
        Assert.NotNull(undo.Object);
        Assert.Equal("http://mastodon.example.org/users/admin/statuses/100011594053806179/activity", undo.Object.Iri);
        var announce = undo.Object.Embedded;
        Assert.NotNull(announce);
        Assert.Equal(AsTypes.Announce, announce.Type);
        Assert.Equal(undo.Actor, announce.Actor);
        Assert.Equal("http://lostallofmy.faith/objects/acc592f0-093a-4326-856e-2ab30947ef11", announce.Object?.Iri);
        Assert.Equal(Utc(2018, 5, 11, 16, 23, 37), announce.Published);
    }

    [Fact]
    public void A_Mastodon_Like_names_the_liked_object_by_IRI()
    {
        var like = Load("like.json");

        Assert.Equal(AsTypes.Like, like.Type);
        Assert.Equal("https://mastodon.madrid/users/felix#likes/212340", like.Id);
        Assert.Equal("https://mastodon.madrid/users/felix", like.Actor);
        Assert.NotNull(like.Object);
        Assert.Equal("https://ds9.lemmy.ml/post/147", like.Object.Iri);
        Assert.Null(like.Object.Embedded);
    }

    [Fact]
    public void A_Mastodon_Undo_Like_embeds_the_Like_it_withdraws()
    {
        var undo = Load("undo-like.json");

        Assert.Equal(AsTypes.Undo, undo.Type);
        Assert.Equal("https://mastodon.madrid/users/felix#likes/212341/undo", undo.Id);
        Assert.Equal("https://mastodon.madrid/users/felix#likes/212341", undo.Object?.Iri);
        var like = undo.Object?.Embedded;
        Assert.NotNull(like);
        Assert.Equal(AsTypes.Like, like.Type);
        Assert.Equal(undo.Actor, like.Actor);
        Assert.Equal("https://ds9.lemmy.ml/post/147", like.Object?.Iri);
    }
}
