namespace Camtree.Node.Configuration;

/// <summary>The node's settings, bound from the <c>Camtree</c> configuration section (appsettings.json,
/// environment variables such as <c>Camtree__PublicUrl</c>, or <c>--Camtree:PublicUrl=…</c>).</summary>
public sealed class NodeOptions
{
    public const string Section = "Camtree";

    /// <summary>
    /// The URL other servers reach this node at: scheme, host and port. Every id the node mints starts with
    /// it exactly; peers drop documents whose id origin differs from where they fetched them.
    /// </summary>
    public string PublicUrl { get; set; } = "http://localhost:5080";

    /// <summary>The database (<c>Camtree:Storage:Provider</c>, <c>Camtree:Storage:ConnectionString</c>): SQLite unless told otherwise.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Where the SQLite file lives (and uploaded files, on either database). Relative paths are under the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The library's name, shown on pages and as the library actor's name.</summary>
    public string NodeName { get; set; } = "Camtree Library";

    /// <summary>A sentence or two about the library, for the directory of the network (NodeInfo's <c>nodeDescription</c>).</summary>
    public string NodeDescription { get; set; } = "Practitioner research by teachers and school leaders: lesson study, action research and enquiry, reviewed and shared.";

    /// <summary>Seed a small demo library (practitioners, reports in several languages) into an empty database.</summary>
    public bool SeedDemo { get; set; } = true;

    /// <summary>
    /// Allow talking to loopback and private addresses and plain http (local development, tests, a compose
    /// network). Off for a node on the public internet.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Whom the node federates with (<c>Camtree:Federation:Mode</c> and <c>Camtree:Federation:Domains</c>).</summary>
    public FederationOptions Federation { get; set; } = new();

    /// <summary>
    /// Authorized fetch ("secure mode"): ActivityPub documents other than actors and keys are served only to
    /// signed GETs from servers the policy allows. Actor and key documents stay public, so that servers never
    /// deadlock fetching each other's keys.
    /// </summary>
    public bool AuthorizedFetch { get; set; }

    /// <summary>
    /// An HTTP proxy for every request to other servers (<c>http://host:port</c>); none when empty. The system's
    /// <c>HTTP(S)_PROXY</c> variables are never used. With a proxy, the address guard checks the target's
    /// addresses before the request leaves (the proxy is trusted not to resolve them differently).
    /// </summary>
    public string? OutboundProxy { get; set; }

    /// <summary>
    /// The HTTP signature scheme outgoing requests try first: <c>Rfc9421</c> (default) or <c>DraftCavage</c>. On a 400, 401 or 403
    /// the other is tried once, and the one each server accepted is used first there for a day (double-knocking).
    /// </summary>
    public Camtree.Protocol.Signatures.HttpSignatureScheme SignatureFirstKnock { get; set; } = Camtree.Protocol.Signatures.HttpSignatureScheme.Rfc9421;

    /// <summary>The bounds on what peers and clients can make the node do (<c>Camtree:Limits:*</c>).</summary>
    public LimitsOptions Limits { get; set; } = new();

    /// <summary>How the node keeps its subscriptions to other libraries in sync (<c>Camtree:Library:*</c>).</summary>
    public LibraryOptions Library { get; set; } = new();

    /// <summary>Who can join: <c>Invite</c> (default: with an operator's invitation link), <c>Open</c> (anyone) or <c>Closed</c>.</summary>
    public RegistrationMode Registration { get; set; } = RegistrationMode.Invite;

    /// <summary>
    /// Whom to write to about this node: OAI-PMH's Identify gives it to repository managers. When unset, the node says
    /// <c>webmaster@</c> its host, which an operator on the public internet should replace.
    /// </summary>
    public string? AdminEmail { get; set; }

    /// <summary>The OAI-PMH interface for institutional repositories (<c>Camtree:Oai:*</c>).</summary>
    public OaiOptions Oai { get; set; } = new();

    /// <summary>The SQLite file's full path.</summary>
    /// <summary>How long a delivery claim is held: <see cref="StorageOptions.DeliveryLeaseSeconds"/>, and never less than twice a delivery's timeout.</summary>
    public TimeSpan DeliveryLease => TimeSpan.FromSeconds(Math.Max(Storage.DeliveryLeaseSeconds, 2 * Limits.DeliveryTimeout.TotalSeconds));

    public string DatabasePath => Path.Combine(Path.GetFullPath(DataDirectory), "camtree.db");
}

/// <summary>How people join a node (<c>Camtree:Registration</c>).</summary>
public enum RegistrationMode { Invite, Open, Closed }

/// <summary>The node owner's federation agreement, as configuration.</summary>
public sealed class FederationOptions
{
    /// <summary><c>Open</c> (default), <c>Allowlist</c> or <c>Blocklist</c>.</summary>
    public Camtree.Protocol.Policy.FederationMode Mode { get; set; } = Camtree.Protocol.Policy.FederationMode.Open;

    /// <summary>The domains the mode applies to; a domain covers its subdomains.</summary>
    public List<string> Domains { get; set; } = [];

    /// <param name="self">The node's own authority, which the policy never excludes.</param>
    public Camtree.Protocol.Policy.FederationPolicy ToPolicy(string self) => new(Mode, Domains, self);
}

/// <summary>Library subscriptions: how often they are repaired, and how much one run reads.</summary>
public sealed class LibraryOptions
{
    /// <summary>How often a synced subscription compares partition digests with its origin and repairs what differs.</summary>
    public double RepairIntervalMinutes { get; set; } = 360;

    /// <summary>The most pages one run reads (of 100 reports each); a larger library goes on at the next run, from its cursor.</summary>
    public int MaxPagesPerRun { get; set; } = 2_000;

    public TimeSpan RepairInterval => TimeSpan.FromMinutes(RepairIntervalMinutes);
}

/// <summary>What <c>/oai</c> disseminates and how it pages (<c>Camtree:Oai:*</c>).</summary>
public sealed class OaiOptions
{
    /// <summary>
    /// Also disseminate the reports held from the libraries this node federates with (their origin in
    /// <c>dc:source</c>). Off by default: a repository harvests each node for its own reports.
    /// </summary>
    public bool IncludeFederated { get; set; }

    /// <summary>Records (or headers) per page of ListRecords and ListIdentifiers.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>How long a resumption token stays good, in minutes.</summary>
    public double TokenLifetimeMinutes { get; set; } = 60;

    public TimeSpan TokenLifetime => TimeSpan.FromMinutes(TokenLifetimeMinutes);
}
