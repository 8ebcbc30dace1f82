using System.Globalization;
using System.Text;
using System.Xml;

namespace Camtree.Protocol.Oai;

/// <summary>
/// Writes OAI-PMH 2.0 responses (§3.2): the envelope with <c>responseDate</c> and <c>request</c>, then the verb's
/// element or the errors. The XML is UTF-8 and its schemaLocation names the OAI-PMH schema it validates against.
/// </summary>
public static class OaiXml
{
    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = true,
        // Text from peers may hold characters XML 1.0 cannot carry; they are dropped by the writer's sanitising below.
        CheckCharacters = true,
    };

    private static readonly HashSet<string> EchoedArguments = ["verb", "identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"];

    /// <summary>A whole response: the envelope around what <paramref name="body"/> writes.</summary>
    public static byte[] Response(string baseUrl, DateTimeOffset now, OaiRequest? request, Action<XmlWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, Settings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("OAI-PMH", OaiNamespaces.Pmh);
            writer.WriteAttributeString("xmlns", "xsi", null, OaiNamespaces.XmlSchemaInstance);
            writer.WriteAttributeString("xsi", "schemaLocation", OaiNamespaces.XmlSchemaInstance, $"{OaiNamespaces.Pmh} {OaiNamespaces.PmhSchema}");
            writer.WriteElementString("responseDate", OaiNamespaces.Pmh, OaiDate.Format(now));
            writer.WriteStartElement("request", OaiNamespaces.Pmh);
            // §3.2: after badVerb or badArgument the request element holds the base URL only.
            if (request is not null)
                foreach (var (name, value) in request.Arguments.Where(a => EchoedArguments.Contains(a.Key)))
                    writer.WriteAttributeString(name, Clean(value));
            writer.WriteString(baseUrl);
            writer.WriteEndElement();
            body(writer);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        return stream.ToArray();
    }

    public static Action<XmlWriter> Errors(IEnumerable<OaiError> errors) => writer =>
    {
        foreach (var error in errors)
        {
            writer.WriteStartElement("error", OaiNamespaces.Pmh);
            writer.WriteAttributeString("code", error.Code);
            writer.WriteString(Clean(error.Message));
            writer.WriteEndElement();
        }
    };

    public static void Header(XmlWriter writer, OaiHeader header)
    {
        writer.WriteStartElement("header", OaiNamespaces.Pmh);
        if (header.Deleted) writer.WriteAttributeString("status", "deleted");
        writer.WriteElementString("identifier", OaiNamespaces.Pmh, header.Identifier);
        writer.WriteElementString("datestamp", OaiNamespaces.Pmh, OaiDate.Format(header.Datestamp));
        foreach (var spec in header.SetSpecs) writer.WriteElementString("setSpec", OaiNamespaces.Pmh, spec);
        writer.WriteEndElement();
    }

    public static void Record(XmlWriter writer, OaiRecord record, OaiMetadataFormat format)
    {
        writer.WriteStartElement("record", OaiNamespaces.Pmh);
        Header(writer, record.Header);
        if (!record.Header.Deleted && record.Metadata is { } metadata)
        {
            writer.WriteStartElement("metadata", OaiNamespaces.Pmh);
            if (format == OaiMetadataFormat.Camtree) CamtreeFormat.Write(writer, metadata);
            else DublinCoreFormat.Write(writer, metadata);
            writer.WriteEndElement();
        }
        writer.WriteEndElement();
    }

    /// <summary>
    /// A list's resumption token (§3.5). The last page carries an empty one, with the list's size, to say the list is
    /// complete.
    /// </summary>
    public static void ResumptionToken(XmlWriter writer, string? token, int cursor, int completeListSize, DateTimeOffset? expires)
    {
        writer.WriteStartElement("resumptionToken", OaiNamespaces.Pmh);
        if (token is not null && expires is { } at) writer.WriteAttributeString("expirationDate", OaiDate.Format(at));
        if (completeListSize > 0) writer.WriteAttributeString("completeListSize", completeListSize.ToString(CultureInfo.InvariantCulture));
        writer.WriteAttributeString("cursor", cursor.ToString(CultureInfo.InvariantCulture));
        if (token is not null) writer.WriteString(token);
        writer.WriteEndElement();
    }

    /// <summary>A value a harvester sent, quoted back in an error message: cut short, so a hostile one is not echoed whole.</summary>
    public static string Quote(string text) => text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>Drops the characters XML 1.0 cannot hold (control characters a peer's text may carry).</summary>
    public static string Clean(string text)
    {
        if (text.All(XmlConvert.IsXmlChar)) return text;
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i])) builder.Append(text[i]);
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                builder.Append(text[i]).Append(text[i + 1]);
                i++;
            }
        }
        return builder.ToString();
    }

    internal static void Element(XmlWriter writer, string prefix, string name, string ns, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        writer.WriteElementString(prefix, name, ns, Clean(value));
    }
}
