using System.Collections;
using System.Reflection;
using Defender365.Toolkit.Analyzers.Generation;
using Microsoft.CodeAnalysis;

namespace Defender365.Toolkit.Analyzers.Tests.Generation;

/// <summary>Assertions about the incremental pipeline's step results.</summary>
internal static class IncrementalAssert
{
    public static readonly string[] StepNames = typeof(TrackingNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToArray();

    /// <summary>Runs again on a clone of the compilation: every tracked step and every output must be Cached or Unchanged.</summary>
    public static void SecondRunIsCached(GeneratorDriver driver, Compilation compilation)
    {
        var rerun = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();
        foreach (var (name, steps) in rerun.TrackedSteps.Where(s => StepNames.Contains(s.Key)))
        {
            foreach (var output in steps.SelectMany(s => s.Outputs))
            {
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"step {name}: {output.Reason}");
            }
        }

        foreach (var output in rerun.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {output.Reason}");
        }

        NoRoslynObjectsHeld(rerun);
    }

    public static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps.TryGetValue(step, out var steps) ? steps.SelectMany(s => s.Outputs).Select(o => o.Reason) : [];

    /// <summary>Walks every value the tracked steps produced: none may reference a Roslyn object that pins a compilation.</summary>
    public static void NoRoslynObjectsHeld(GeneratorRunResult result)
    {
        var forbidden = new[] { typeof(Compilation), typeof(ISymbol), typeof(SyntaxNode), typeof(AdditionalText), typeof(Location), typeof(SemanticModel) };
        foreach (var (name, steps) in result.TrackedSteps.Where(s => StepNames.Contains(s.Key)))
        {
            foreach (var value in steps.SelectMany(s => s.Outputs).Select(o => o.Value))
            {
                Walk(value, name, new HashSet<object>(ReferenceEqualityComparer.Instance), forbidden);
            }
        }
    }

    private static void Walk(object? value, string path, HashSet<object> seen, Type[] forbidden)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        var type = value.GetType();
        Assert.False(forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} holds a {type.Name}");
        if (!type.IsValueType && !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable items)
        {
            var i = 0;
            foreach (var item in items)
            {
                Walk(item, $"{path}[{i++}]", seen, forbidden);
            }

            return;
        }

        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            Walk(field.GetValue(value), $"{path}.{field.Name}", seen, forbidden);
        }
    }
}
