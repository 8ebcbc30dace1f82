using System.Text;

namespace Camtree.Node.Web;

/// <summary>Tiny helpers for server-rendered pages: every value goes through <see cref="E"/> unless it is HTML we made or sanitised.</summary>
public static class Html
{
    /// <summary>HTML-encodes text.</summary>
    public static string E(string? text) => Library.ReportRendering.Encode(text);

    /// <summary>A whole page in the house layout.</summary>
    public static IResult Page(string nodeName, string title, string body, string? lang = null, int statusCode = 200) => Results.Content($$"""
        <!doctype html>
        <html lang="{{E(lang ?? "en")}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} · {{E(nodeName)}}</title>
        <link rel="stylesheet" href="/assets/camtree.css">
        </head>
        <body>
        <header><a href="/">{{E(nodeName)}}</a> · <span>Camtree practitioner research library</span></header>
        <main>
        {{body}}
        </main>
        </body>
        </html>
        """, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
}
