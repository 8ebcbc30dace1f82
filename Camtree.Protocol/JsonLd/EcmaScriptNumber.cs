using System.Globalization;
using System.Text;

namespace Camtree.Protocol.JsonLd;

/// <summary>
/// Serialises an IEEE-754 double the way ECMAScript's <c>Number.prototype.toString()</c> does
/// (<see href="https://tc39.es/ecma262/#sec-numeric-types-number-tostring">ECMA-262 Number::toString</see>),
/// which RFC 8785 §3.2.2.3 makes the canonical form of every JSON number.
/// </summary>
/// <remarks>
/// The hard part, the shortest digit string that parses back to the same double, is .NET's own "R" format
/// (exact shortest round-trip since .NET Core 3.0, the same digits as V8 and Ryu). This class only moves the
/// decimal point and picks plain or exponent notation by ECMAScript's rules.
/// </remarks>
internal static class EcmaScriptNumber
{
    /// <summary>The ECMAScript string for <paramref name="value"/>; NaN and the infinities have none in JSON.</summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
            throw new JsonCanonicalizationException($"{value.ToString(CultureInfo.InvariantCulture)} is not a JSON number (RFC 8785 §3.2.2.3)");
        if (value == 0) return "0"; // both +0 and -0: ECMAScript prints -0 as "0"
        if (value < 0) return "-" + Format(-value);

        var (digits, n) = ShortestDigits(value);
        var k = digits.Length;
        var text = new StringBuilder(k + 25);
        if (k <= n && n <= 21)
        {
            // An integer below 1e21: the digits, then n-k zeros.
            text.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            text.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            text.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            // Exponent form: one digit before the point, an explicit exponent sign.
            text.Append(digits[0]);
            if (k > 1) text.Append('.').Append(digits, 1, k - 1);
            var exponent = n - 1;
            text.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>
    /// The shortest round-trip digits <c>s</c> (no leading or trailing zeros) and the exponent <c>n</c> of
    /// ECMA-262's definition, such that the value is <c>0.s × 10^n</c>.
    /// </summary>
    private static (string Digits, int N) ShortestDigits(double positive)
    {
        var r = positive.ToString("R", CultureInfo.InvariantCulture); // e.g. "123.45", "1E+21", "1.5E-07"
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var point = r.IndexOf('.');
        var integerDigits = point >= 0 ? point : r.Length;
        var all = point >= 0 ? r.Remove(point, 1) : r;

        var leadingZeros = 0;
        while (leadingZeros < all.Length - 1 && all[leadingZeros] == '0') leadingZeros++;
        var digits = all[leadingZeros..].TrimEnd('0');
        return (digits, integerDigits - leadingZeros + exponent);
    }
}
