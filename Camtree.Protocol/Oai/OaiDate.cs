using System.Globalization;

namespace Camtree.Protocol.Oai;

/// <summary>
/// OAI-PMH UTC datestamps (§3.3): a day (<c>YYYY-MM-DD</c>) or a second (<c>YYYY-MM-DDThh:mm:ssZ</c>). The
/// repository's granularity is the second, so a harvester may send either.
/// </summary>
public readonly record struct OaiDate(DateTimeOffset Value, bool IsDay)
{
    public const string SecondsFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private const string DayFormat = "yyyy-MM-dd";

    public static bool TryParse(string text, out OaiDate date)
    {
        date = default;
        if (text.Length == DayFormat.Length &&
            DateTime.TryParseExact(text, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
        {
            date = new OaiDate(new DateTimeOffset(day, TimeSpan.Zero), true);
            return true;
        }
        if (text.Length == 20 &&
            DateTime.TryParseExact(text, SecondsFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var second))
        {
            date = new OaiDate(new DateTimeOffset(second, TimeSpan.Zero), false);
            return true;
        }
        return false;
    }

    /// <summary>The first second the date covers (a <c>from</c> bound).</summary>
    public DateTimeOffset Start => Value;

    /// <summary>The last second the date covers (an <c>until</c> bound: a day runs to 23:59:59).</summary>
    public DateTimeOffset End => IsDay ? Value.AddDays(1).AddSeconds(-1) : Value;

    public override string ToString() => IsDay ? Value.ToString(DayFormat, CultureInfo.InvariantCulture) : Format(Value);

    /// <summary>A time as a datestamp to the second, in UTC.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(SecondsFormat, CultureInfo.InvariantCulture);
}
