using System.Globalization;
using System.Xml;

namespace Camtree.Protocol.Oai;

/// <summary>
/// <c>oai_dc</c> (§6.2, unqualified Dublin Core): what every harvester reads. The summary (the structured abstract)
/// is the <c>dc:description</c>, themes and subject area <c>dc:subject</c>, the methodology a second
/// <c>dc:type</c> beside DCMI's <c>Text</c>, the country <c>dc:coverage</c>, a federated report's origin <c>dc:source</c>.
/// </summary>
public static class DublinCoreFormat
{
    public static void Write(XmlWriter writer, OaiReportMetadata report)
    {
        const string dc = OaiNamespaces.DublinCore;
        writer.WriteStartElement("oai_dc", "dc", OaiNamespaces.OaiDc);
        writer.WriteAttributeString("xmlns", "dc", null, dc);
        writer.WriteAttributeString("xsi", "schemaLocation", OaiNamespaces.XmlSchemaInstance, $"{OaiNamespaces.OaiDc} {OaiNamespaces.OaiDcSchema}");

        writer.WriteStartElement("dc", "title", dc);
        writer.WriteAttributeString("xml", "lang", null, report.Language);
        writer.WriteString(OaiXml.Clean(report.Title));
        writer.WriteEndElement();
        OaiXml.Element(writer, "dc", "creator", dc, report.AuthorName);
        foreach (var theme in report.Themes) OaiXml.Element(writer, "dc", "subject", dc, theme);
        OaiXml.Element(writer, "dc", "subject", dc, report.SubjectArea);
        // The summary is the structured abstract as the report's language writes it; only without one are the parts labelled.
        if (!string.IsNullOrWhiteSpace(report.Summary)) OaiXml.Element(writer, "dc", "description", dc, report.Summary);
        else
        {
            Labelled(writer, "Research context", report.ResearchContext);
            Labelled(writer, "Aims", report.Aims);
            Labelled(writer, "Methods", report.Methods);
            Labelled(writer, "Findings", report.Findings);
        }
        OaiXml.Element(writer, "dc", "publisher", dc, report.Publisher);
        OaiXml.Element(writer, "dc", "date", dc, report.Published.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        OaiXml.Element(writer, "dc", "type", dc, "Text");
        OaiXml.Element(writer, "dc", "type", dc, report.Methodology);
        OaiXml.Element(writer, "dc", "format", dc, "text/html");
        OaiXml.Element(writer, "dc", "identifier", dc, report.Url);
        if (report.Id != report.Url) OaiXml.Element(writer, "dc", "identifier", dc, report.Id);
        OaiXml.Element(writer, "dc", "source", dc, report.Source);
        OaiXml.Element(writer, "dc", "language", dc, report.Language);
        OaiXml.Element(writer, "dc", "coverage", dc, report.Country);
        OaiXml.Element(writer, "dc", "coverage", dc, report.Setting);
        OaiXml.Element(writer, "dc", "rights", dc, report.License);
        writer.WriteEndElement();
    }

    private static void Labelled(XmlWriter writer, string label, string? text)
    {
        if (!string.IsNullOrWhiteSpace(text)) OaiXml.Element(writer, "dc", "description", OaiNamespaces.DublinCore, $"{label}: {text}");
    }
}
