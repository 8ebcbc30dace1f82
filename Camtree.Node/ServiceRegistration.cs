using Camtree.Node.Api;
using Camtree.Node.Configuration;
using Camtree.Node.Federation;
using Camtree.Node.Federation.Handlers;
using Camtree.Node.Jobs;
using Camtree.Node.Library;
using Camtree.Node.Library.Demo;
using Camtree.Node.Storage;
using Camtree.Protocol.Delivery;
using Camtree.Protocol.Discovery;
using Camtree.Protocol.Signatures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Camtree.Node;

/// <summary>Each area of the node wires itself here: storage, federation, the library domain, the API.</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddCamtreeStorage(this IServiceCollection services)
    {
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddCamtreeDatabase();
        services.AddSingleton<ActorStore>();
        services.AddSingleton<RemoteActorStore>();
        services.AddSingleton<FollowStore>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<ActorKeyStore>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<InteractionStore>();
        return services;
    }

    public static IServiceCollection AddCamtreeFederation(this IServiceCollection services)
    {
        services.AddSingleton<LocalUris>();
        services.AddSingleton<DocumentBuilder>();
        // NSec (libsodium) when it loads and passes RFC 8032's vector here, else BouncyCastle's managed code (ADR 0002).
        services.AddSingleton<Protocol.Signatures.Ed25519.IEd25519>(sp => Protocol.Signatures.Ed25519.Ed25519Choice.Best(
            warning => sp.GetRequiredService<ILoggerFactory>().CreateLogger("Camtree.Ed25519").LogWarning("{Warning}", warning)));
        services.AddSingleton<ObjectProofs>();
        services.AddSingleton<SigningKeys>();
        // Which signature scheme each server accepted (double-knocking), shared by every outgoing request, and through
        // the database by every process of the node.
        services.AddSingleton(sp => new SignatureSchemes(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<NodeOptions>>().Value.SignatureFirstKnock,
            store: sp.GetRequiredService<Protocol.Signatures.ISignatureSchemeStore>()));
        services.AddSingleton(sp => FederationHttpClient(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<LocalUris>(),
            sp.GetRequiredService<IOptions<NodeOptions>>().Value, sp.GetRequiredService<SignatureSchemes>()));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<NodeOptions>>().Value.Federation.ToPolicy(sp.GetRequiredService<LocalUris>().Authority));
        services.AddSingleton(sp => new RemoteDocumentClient(sp.GetRequiredService<HttpClient>(), new RemoteFetchOptions
        {
            AllowHttp = sp.GetRequiredService<IOptions<NodeOptions>>().Value.AllowPrivateNetworks,
            Policy = sp.GetRequiredService<Protocol.Policy.FederationPolicy>(),
            Timeout = sp.GetRequiredService<IOptions<NodeOptions>>().Value.Limits.FetchTimeout,
            MaxBodyBytes = sp.GetRequiredService<IOptions<NodeOptions>>().Value.Limits.DocumentBytes,
        }));
        services.AddSingleton<ActorDirectory>();
        services.AddSingleton<IPublicKeyResolver>(sp => sp.GetRequiredService<ActorDirectory>());
        services.AddSingleton<Protocol.Signatures.Proofs.IProofKeyResolver>(sp => sp.GetRequiredService<ActorDirectory>());
        services.AddSingleton(sp => new Protocol.Signatures.Proofs.ProofVerifier(
            sp.GetRequiredService<Protocol.Signatures.Proofs.IProofKeyResolver>(), sp.GetRequiredService<Protocol.Signatures.Ed25519.IEd25519>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PublicKeyCache>();
        services.AddSingleton<HttpSignatureVerifier>();
        services.AddSingleton(sp =>
        {
            var limits = sp.GetRequiredService<IOptions<NodeOptions>>().Value.Limits;
            return new ActivitySender(sp.GetRequiredService<HttpClient>(),
                new DeliveryOptions { Timeout = limits.DeliveryTimeout, MaxResponseBytes = limits.DeliveryResponseBytes });
        });
        services.AddSingleton<Protocol.Inbox.InboxPipeline>();
        services.AddSingleton<InboxReceiver>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<InboxForwarding>();
        services.AddSingleton(typeof(WorkSignal<>));
        services.AddSingleton<IActivityHandler, FollowHandler>();
        services.AddSingleton<IActivityHandler, UndoHandler>();
        services.AddSingleton<IActivityHandler, AcceptHandler>();
        services.AddSingleton<IActivityHandler, RejectHandler>();
        services.AddSingleton<IActivityHandler, CreateHandler>();
        services.AddSingleton<IActivityHandler, UpdateHandler>();
        services.AddSingleton<IActivityHandler, DeleteHandler>();
        services.AddSingleton<IActivityHandler, LikeHandler>();
        services.AddSingleton<IActivityHandler, AnnounceHandler>();
        services.AddHostedService<InboxWorker>();
        services.AddHostedService<DeliveryWorker>();
        services.AddHostedService<RetentionWorker>();
        services.AddHostedService<LibrarySyncWorker>();
        return services;
    }

    public static IServiceCollection AddCamtreeLibrary(this IServiceCollection services)
    {
        services.AddSingleton<PractitionerService>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<ThemeGroupStore>();
        services.AddSingleton<Library.Themes.ThemeGroups>();
        services.AddSingleton<OaiStore>();
        services.AddSingleton<Oai.OaiRepository>();
        services.AddSingleton<FollowService>();
        services.AddSingleton<InteractionService>();
        services.AddSingleton<ProfileService>();
        services.AddSingleton<ReportCopies>();
        services.AddSingleton<LibrarySync>();
        services.AddSingleton<LibrarySubscriptions>();
        services.AddSingleton<DemoSeeder>();
        return services;
    }

    public static IServiceCollection AddCamtreeApi(this IServiceCollection services)
    {
        // Bearer tokens are the default (the JSON API: no cookie ever authenticates it, so no cross-site request can);
        // the pages sign in with Identity's cookie, checked against the account's security stamp on every request.
        services.AddAuthentication(BearerTokenAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenAuthentication>(BearerTokenAuthentication.SchemeName, null)
            .AddIdentityCookies();
        services.AddAuthorization(options =>
        {
            Web.AccountEndpoints.AddSignedInPolicy(options);
            Web.OperatorEndpoints.AddOperatorPolicy(options);
        });
        return services;
    }

    /// <summary>Accounts: ASP.NET Core Identity over the <c>accounts</c> table, cookie sign-in, invitations, antiforgery.</summary>
    public static IServiceCollection AddCamtreeAccounts(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddIdentityCore<Accounts.Account>(identity =>
            {
                // Length over composition (NIST SP 800-63B): ten characters, no rules about digits or symbols.
                identity.Password.RequiredLength = 10;
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 4;
                identity.Lockout.MaxFailedAccessAttempts = 5;
                identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                identity.Lockout.AllowedForNewUsers = true;
                identity.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyz0123456789_";
            })
            .AddUserStore<Accounts.AccountStore>()
            .AddClaimsPrincipalFactory<Accounts.AccountClaimsFactory>()
            .AddSignInManager<Accounts.AccountSignInManager>();
        // The same store, for what Identity's interface does not ask (the operator page's list of standings).
        services.AddScoped(sp => (Accounts.AccountStore)sp.GetRequiredService<Microsoft.AspNetCore.Identity.IUserStore<Accounts.Account>>());
        // "Sign out everywhere" and a new password take effect at the next request, not after Identity's 30 minutes.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "camtree";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/sign-in";
            cookie.LogoutPath = "/sign-out";
            cookie.AccessDeniedPath = "/forbidden";
            cookie.ExpireTimeSpan = TimeSpan.FromDays(14);
            cookie.SlidingExpiration = true;
        });
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.Name = "camtree-antiforgery");
        services.AddScoped<Accounts.AccountService>();
        services.AddSingleton<Accounts.InvitationStore>();
        services.AddSingleton<IDraftStore, DraftStore>();
        services.AddSingleton<IAttachmentStore, AttachmentStore>();
        services.AddSingleton<NodeSummaries>();
        services.AddSingleton<INotificationStore, NotificationStore>();
        return services;
    }

    /// <summary>
    /// The one HTTP client for talking to other servers: signs requests that carry a key, bounds redirects,
    /// recycles connections so DNS changes are seen, refuses private addresses (SSRF), says who it is. It uses a
    /// proxy only when <see cref="NodeOptions.OutboundProxy"/> names one (never the environment's), and then checks
    /// each target's addresses itself, since the connection goes to the proxy.
    /// </summary>
    internal static HttpClient FederationHttpClient(TimeProvider time, LocalUris uris, NodeOptions options, SignatureSchemes? schemes = null)
    {
        var proxy = string.IsNullOrWhiteSpace(options.OutboundProxy) ? null : new Uri(options.OutboundProxy, UriKind.Absolute);
        var transport = new SocketsHttpHandler
        {
            ConnectCallback = AddressGuard.ConnectCallback(options.AllowPrivateNetworks, proxy),
            UseProxy = proxy is not null,
            Proxy = proxy is null ? null : new System.Net.WebProxy(proxy),
            AllowAutoRedirect = false, // RemoteDocumentClient follows redirects itself, signing each hop; deliveries never follow them
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // Bodies are read through BoundedContent, which bounds the decompressed size.
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            MaxResponseHeadersLength = 64, // KiB
        };
        HttpMessageHandler inner = proxy is null ? transport : new TargetGuardHandler(options.AllowPrivateNetworks) { InnerHandler = transport };
        var limits = options.Limits;
        var client = new HttpClient(new HttpSignatureHandler(time, schemes ?? new SignatureSchemes(time, options.SignatureFirstKnock)) { InnerHandler = inner })
        {
            // Each caller bounds its own time (fetch, delivery); this is the backstop for the headers.
            Timeout = TimeSpan.FromSeconds(Math.Max(limits.FetchTimeoutSeconds, limits.DeliveryTimeoutSeconds) + 5),
            MaxResponseContentBufferSize = Math.Max(limits.DocumentBytes, limits.DeliveryResponseBytes),
        };
        client.DefaultRequestHeaders.UserAgent.ParseAdd($"Camtree/{NodeApp.Version} (+{uris.Base}/)");
        return client;
    }
}
