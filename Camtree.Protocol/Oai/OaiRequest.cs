using System.Text.RegularExpressions;

namespace Camtree.Protocol.Oai;

/// <summary>A well-formed OAI-PMH request: the verb and the arguments it allows, checked.</summary>
public sealed record OaiRequest
{
    public required OaiVerb Verb { get; init; }
    public string? Identifier { get; init; }
    public string? MetadataPrefix { get; init; }
    public OaiDate? From { get; init; }
    public OaiDate? Until { get; init; }
    public string? Set { get; init; }
    public string? ResumptionToken { get; init; }

    /// <summary>The arguments as received, for the response's <c>request</c> element (§3.2).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Arguments { get; init; }
}

/// <summary>What parsing a request gave: the request, or the errors that answer it.</summary>
public sealed record OaiParsed(OaiRequest? Request, IReadOnlyList<OaiError> Errors)
{
    /// <summary>
    /// A badVerb or badArgument answer echoes no arguments (§3.2: "the attributes … must not be included" then).
    /// </summary>
    public bool EchoArguments => Request is not null;
}

/// <summary>
/// Reads a request's arguments (query string and form body together, as §3.1.1 allows either) into an
/// <see cref="OaiRequest"/>, or into the errors §3.6 defines: <c>badVerb</c> for a missing, unknown or repeated verb;
/// <c>badArgument</c> for an argument the verb does not take, a missing required one, a repeated one, a
/// <c>resumptionToken</c> with others, a date that is neither granularity, <c>from</c> and <c>until</c> of different
/// granularities or in the wrong order.
/// </summary>
public static partial class OaiRequestParser
{
    private static readonly Dictionary<OaiVerb, (string[] Required, string[] Optional)> Arguments = new()
    {
        [OaiVerb.Identify] = ([], []),
        [OaiVerb.ListMetadataFormats] = ([], ["identifier"]),
        [OaiVerb.ListSets] = ([], ["resumptionToken"]),
        [OaiVerb.GetRecord] = (["identifier", "metadataPrefix"], []),
        [OaiVerb.ListIdentifiers] = (["metadataPrefix"], ["from", "until", "set", "resumptionToken"]),
        [OaiVerb.ListRecords] = (["metadataPrefix"], ["from", "until", "set", "resumptionToken"]),
    };

    /// <summary>The longest argument value read; anything longer is a badArgument, not a lookup.</summary>
    public const int MaxArgumentLength = 2048;

    public static OaiParsed Parse(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var verbs = pairs.Where(p => p.Key == "verb").Select(p => p.Value).ToList();
        if (verbs.Count == 0) return Fail(OaiErrorCodes.BadVerb, "the verb argument is missing");
        if (verbs.Count > 1) return Fail(OaiErrorCodes.BadVerb, "the verb argument is repeated");
        if (!Enum.TryParse<OaiVerb>(verbs[0], ignoreCase: false, out var verb) || !Enum.IsDefined(verb) || verbs[0] != verb.ToString())
            return Fail(OaiErrorCodes.BadVerb, $"'{OaiXml.Quote(verbs[0])}' is not an OAI-PMH verb");

        var (required, optional) = Arguments[verb];
        var errors = new List<OaiError>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in pairs.Where(p => p.Key != "verb"))
        {
            if (!required.Contains(name) && !optional.Contains(name))
                errors.Add(new(OaiErrorCodes.BadArgument, $"{verb} does not take the argument '{OaiXml.Quote(name)}'"));
            else if (values.ContainsKey(name))
                errors.Add(new(OaiErrorCodes.BadArgument, $"the argument {name} is repeated"));
            else if (value.Length == 0)
                errors.Add(new(OaiErrorCodes.BadArgument, $"the argument {name} has no value"));
            else if (value.Length > MaxArgumentLength)
                errors.Add(new(OaiErrorCodes.BadArgument, $"the argument {name} is longer than {MaxArgumentLength} characters"));
            else
                values[name] = value;
        }
        if (errors.Count > 0) return new(null, errors);

        if (values.ContainsKey("resumptionToken"))
        {
            // §3.5: the token carries the whole state, so it is an exclusive argument.
            if (values.Count > 1)
                return Fail(OaiErrorCodes.BadArgument, "resumptionToken is an exclusive argument: send it alone with the verb");
        }
        else
        {
            foreach (var name in required.Where(n => !values.ContainsKey(n)))
                errors.Add(new(OaiErrorCodes.BadArgument, $"{verb} requires the argument {name}"));
        }

        OaiDate? from = null, until = null;
        if (values.TryGetValue("from", out var fromText))
        {
            if (OaiDate.TryParse(fromText, out var parsed)) from = parsed;
            else errors.Add(new(OaiErrorCodes.BadArgument, $"from '{OaiXml.Quote(fromText)}' is neither YYYY-MM-DD nor YYYY-MM-DDThh:mm:ssZ"));
        }
        if (values.TryGetValue("until", out var untilText))
        {
            if (OaiDate.TryParse(untilText, out var parsed)) until = parsed;
            else errors.Add(new(OaiErrorCodes.BadArgument, $"until '{OaiXml.Quote(untilText)}' is neither YYYY-MM-DD nor YYYY-MM-DDThh:mm:ssZ"));
        }
        if (from is { } f && until is { } u)
        {
            if (f.IsDay != u.IsDay) errors.Add(new(OaiErrorCodes.BadArgument, "from and until must have the same granularity"));
            else if (f.Start > u.End) errors.Add(new(OaiErrorCodes.BadArgument, "from is later than until"));
        }
        if (values.TryGetValue("metadataPrefix", out var prefix) && !PrefixPattern().IsMatch(prefix))
            errors.Add(new(OaiErrorCodes.BadArgument, $"'{OaiXml.Quote(prefix)}' is not a metadataPrefix"));
        if (values.TryGetValue("set", out var set) && !OaiSets.IsWellFormed(set))
            errors.Add(new(OaiErrorCodes.BadArgument, $"'{OaiXml.Quote(set)}' is not a setSpec"));
        if (errors.Count > 0) return new(null, errors);

        return new(new OaiRequest
        {
            Verb = verb,
            Identifier = values.GetValueOrDefault("identifier"),
            MetadataPrefix = prefix,
            From = from,
            Until = until,
            Set = set,
            ResumptionToken = values.GetValueOrDefault("resumptionToken"),
            Arguments = [.. pairs],
        }, []);
    }

    private static OaiParsed Fail(string code, string message) => new(null, [new OaiError(code, message)]);


    [GeneratedRegex(@"^[A-Za-z0-9\-_\.!~\*'\(\)]+$")]
    private static partial Regex PrefixPattern();
}
