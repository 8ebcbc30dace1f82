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
        <style>
          body { font: 16px/1.55 system-ui, sans-serif; margin: 0; color: #1d2327; background: #fafaf7; }
          header { background: #123d5a; color: #fff; padding: .8rem 1.5rem; }
          header a { color: #fff; text-decoration: none; font-weight: 600; }
          main { max-width: 52rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
          article.card { background: #fff; border: 1px solid #e2e2dc; border-radius: 6px; padding: .8rem 1rem; margin: .8rem 0; }
          .meta { color: #5a6470; font-size: .9rem; }
          .tag { display: inline-block; background: #e8f0f5; border-radius: 3px; padding: 0 .4rem; margin-right: .3rem; font-size: .85rem; }
          .origin { background: #fff4d6; }
          dl.research { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
          dl.research dt { font-weight: 600; }
        </style>
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
