using System;

namespace Defender365.Toolkit.Analyzers.Secrets;

/// <summary>
/// Credentials of other services that apps next to Defender hold, by their published prefixes and lengths (the shapes
/// GitHub's and Microsoft's secret scanners know): GitHub tokens, Stripe live keys, Google API keys, Slack tokens and
/// webhook URLs, AWS access key ids. Each is found by its fixed prefix, then its exact length and alphabet, bounded on
/// both sides, so an identifier that merely starts the same way is not one.
/// </summary>
internal static class VendorTokenFormats
{
    public const string GitHubToken = "a GitHub token";
    public const string StripeKey = "a Stripe live key";
    public const string GoogleApiKey = "a Google API key";
    public const string SlackToken = "a Slack token";
    public const string SlackWebhook = "a Slack webhook URL";
    public const string AwsAccessKey = "an AWS access key";

    // Prefix, body alphabet, shortest and longest body, kind.
    private static readonly (string Prefix, Alphabet Body, int Min, int Max, string Kind)[] Formats =
    [
        ("ghp_", Alphabet.LettersDigits, 36, 36, GitHubToken),
        ("gho_", Alphabet.LettersDigits, 36, 36, GitHubToken),
        ("ghu_", Alphabet.LettersDigits, 36, 36, GitHubToken),
        ("ghs_", Alphabet.LettersDigits, 36, 36, GitHubToken),
        ("ghr_", Alphabet.LettersDigits, 36, 36, GitHubToken),
        ("github_pat_", Alphabet.LettersDigitsUnderscore, 82, 82, GitHubToken),
        ("sk_live_", Alphabet.LettersDigits, 24, 99, StripeKey),
        ("rk_live_", Alphabet.LettersDigits, 24, 99, StripeKey),
        ("AIza", Alphabet.LettersDigitsDashUnderscore, 35, 35, GoogleApiKey),
        ("xoxb-", Alphabet.LettersDigitsDash, 20, 120, SlackToken),
        ("xoxp-", Alphabet.LettersDigitsDash, 20, 120, SlackToken),
        ("xoxa-", Alphabet.LettersDigitsDash, 20, 120, SlackToken),
        ("xoxr-", Alphabet.LettersDigitsDash, 20, 120, SlackToken),
        ("hooks.slack.com/services/", Alphabet.LettersDigitsSlash, 40, 60, SlackWebhook),
        ("AKIA", Alphabet.UpperDigits, 16, 16, AwsAccessKey),
        ("ASIA", Alphabet.UpperDigits, 16, 16, AwsAccessKey),
    ];

    private enum Alphabet
    {
        LettersDigits,
        LettersDigitsUnderscore,
        LettersDigitsDash,
        LettersDigitsDashUnderscore,
        LettersDigitsSlash,
        UpperDigits,
    }

    /// <summary>The configuration key a value of this kind is read from when nothing names it.</summary>
    public static string? ConfigurationKeyOf(string kind) => kind switch
    {
        GitHubToken => "GitHub:Token",
        StripeKey => "Stripe:SecretKey",
        GoogleApiKey => "Google:ApiKey",
        SlackToken => "Slack:Token",
        SlackWebhook => "Slack:WebhookUrl",
        AwsAccessKey => "AWS:AccessKeyId",
        _ => null,
    };

    /// <summary>The first vendor credential in <paramref name="value"/>, or null.</summary>
    public static SecretMatch? Find(string value)
    {
        foreach (var (prefix, body, min, max, kind) in Formats)
        {
            for (var at = value.IndexOf(prefix, StringComparison.Ordinal); at >= 0; at = value.IndexOf(prefix, at + 1, StringComparison.Ordinal))
            {
                // A webhook URL is found by its host, inside the URL; every other prefix starts a token.
                if (body != Alphabet.LettersDigitsSlash && at > 0 && IsTokenChar(value[at - 1]))
                {
                    continue;
                }

                var end = at + prefix.Length;
                while (end < value.Length && In(body, value[end]))
                {
                    end++;
                }

                var length = end - at - prefix.Length;
                if (length >= min && length <= max && (end == value.Length || !IsTokenChar(value[end]))
                    && !SecretValues.IsPlaceholder(value.Substring(at, end - at)) && Mixed(value, at + prefix.Length, length))
                {
                    return body == Alphabet.LettersDigitsSlash ? WebhookMatch(value, at, end) : new SecretMatch(kind, at, end - at);
                }
            }
        }

        return null;
    }

    // The whole https://hooks.slack.com/services/T…/B…/… URL, when the path has its three parts.
    private static SecretMatch? WebhookMatch(string value, int host, int end)
    {
        var path = value.Substring(host, end - host).Split('/');
        if (path.Length != 5 || path[2].Length < 8 || path[3].Length < 8 || path[4].Length < 20)
        {
            return null;
        }

        var start = value.LastIndexOf("https://", host, StringComparison.OrdinalIgnoreCase);
        start = start >= 0 && start + "https://".Length == host ? start : host;
        return new SecretMatch(SlackWebhook, start, end - start);
    }

    // A generated body has digits and letters, and more than a few distinct characters ("AKIAXXXXXXXXXXXXXXXX" is not).
    private static bool Mixed(string value, int start, int length)
    {
        bool letter = false, digit = false;
        var distinct = 0;
        Span<bool> seen = stackalloc bool[128];
        for (var i = start; i < start + length; i++)
        {
            var c = value[i];
            letter |= c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
            digit |= c is >= '0' and <= '9';
            if (c < 128 && !seen[c])
            {
                seen[c] = true;
                distinct++;
            }
        }

        return letter && digit && distinct > 6;
    }

    private static bool In(Alphabet alphabet, char c) => alphabet switch
    {
        Alphabet.LettersDigits => SecretFormats.IsAsciiLetterOrDigit(c),
        Alphabet.LettersDigitsUnderscore => SecretFormats.IsAsciiLetterOrDigit(c) || c == '_',
        Alphabet.LettersDigitsDash => SecretFormats.IsAsciiLetterOrDigit(c) || c == '-',
        Alphabet.LettersDigitsDashUnderscore => SecretFormats.IsAsciiLetterOrDigit(c) || c is '-' or '_',
        Alphabet.LettersDigitsSlash => SecretFormats.IsAsciiLetterOrDigit(c) || c == '/',
        _ => c is >= 'A' and <= 'Z' or >= '0' and <= '9',
    };

    private static bool IsTokenChar(char c) => SecretFormats.IsAsciiLetterOrDigit(c) || c is '_' or '-';
}
