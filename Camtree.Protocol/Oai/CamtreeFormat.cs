using System.Xml;

namespace Camtree.Protocol.Oai;

/// <summary>
/// The <c>camtree</c> format: a report's research metadata as Camtree's JSON-LD extension carries it, element for
/// field, in the order <c>docs/federation/camtree-oai.xsd</c> defines (documented in <c>docs/federation/OAI-PMH.md</c>).
/// </summary>
public static class CamtreeFormat
{
    public static void Write(XmlWriter writer, OaiReportMetadata report)
    {
        const string ns = OaiNamespaces.Camtree;
        writer.WriteStartElement("camtree", "report", ns);
        writer.WriteAttributeString("xsi", "schemaLocation", OaiNamespaces.XmlSchemaInstance, $"{ns} {OaiNamespaces.CamtreeSchema}");
        Text(writer, "id", report.Id);
        Text(writer, "url", report.Url);
        Text(writer, "title", report.Title);
        writer.WriteStartElement("camtree", "author", ns);
        writer.WriteAttributeString("id", OaiXml.Clean(report.AuthorId));
        writer.WriteString(OaiXml.Clean(report.AuthorName));
        writer.WriteEndElement();
        Text(writer, "language", report.Language);
        Text(writer, "published", OaiDate.Format(report.Published));
        if (report.Updated is { } updated) Text(writer, "updated", OaiDate.Format(updated));
        Text(writer, "license", report.License);
        Text(writer, "summary", report.Summary);
        writer.WriteStartElement("camtree", "abstract", ns);
        Text(writer, "researchContext", report.ResearchContext);
        Text(writer, "aims", report.Aims);
        Text(writer, "methods", report.Methods);
        Text(writer, "findings", report.Findings);
        writer.WriteEndElement();
        Text(writer, "methodology", report.Methodology);
        Text(writer, "educationalLevel", report.EducationalLevel);
        Text(writer, "subjectArea", report.SubjectArea);
        Text(writer, "country", report.Country);
        Text(writer, "setting", report.Setting);
        Text(writer, "reviewStatus", report.ReviewStatus);
        foreach (var theme in report.Themes) Text(writer, "theme", theme);
        Text(writer, "publisher", report.Publisher);
        Text(writer, "source", report.Source);
        writer.WriteEndElement();
    }

    private static void Text(XmlWriter writer, string name, string? value) =>
        OaiXml.Element(writer, "camtree", name, OaiNamespaces.Camtree, value);
}
