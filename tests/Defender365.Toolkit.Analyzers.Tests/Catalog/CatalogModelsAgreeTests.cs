using System.Text.RegularExpressions;
using Defender365.Toolkit.Analyzers.Catalog;
using Defender365.Toolkit.Catalog;

namespace Defender365.Toolkit.Analyzers.Tests.Catalog;

/// <summary>
/// The compiler host reads the catalog with the analyzers' own reader (<see cref="ApiCatalog"/>, netstandard2.0), the
/// runtime with System.Text.Json (<see cref="DefenderCatalog"/>). Both read the same file; this proves they read the
/// same facts: every operation's method, path, resource and permissions, every resource's permissions, implications and
/// hosts, the "ReadWrite covers Read" decision, and which operation a request URL is.
/// </summary>
public sealed partial class CatalogModelsAgreeTests
{
    private static readonly ApiCatalog Analyzers = ApiCatalog.Instance;
    private static readonly DefenderCatalog Runtime = DefenderCatalog.Default;

    [Fact]
    public void Operations_agree()
    {
        Assert.Equal(Runtime.Operations.Select(o => o.Id), Analyzers.Operations.Select(o => o.Id));
        foreach (var (runtime, analyzers) in Runtime.Operations.Zip(Analyzers.Operations))
        {
            Assert.True(runtime.Method == analyzers.Method.ToUpperInvariant(), runtime.Id);
            Assert.True(runtime.PathTemplate == analyzers.Path, runtime.Id);
            Assert.True(runtime.Resource.Id == analyzers.Resource, runtime.Id);
            Assert.True(runtime.ApplicationPermissions.SequenceEqual(analyzers.ApplicationPermissions), runtime.Id);
            Assert.True(runtime.DelegatedPermissions.SequenceEqual(analyzers.DelegatedPermissions), runtime.Id);
            Assert.True(runtime.DuplicateOf == analyzers.DuplicateOf, runtime.Id);
        }
    }

    [Fact]
    public void Resources_agree_on_permissions_implications_and_hosts()
    {
        Assert.Equal(Runtime.Resources.Select(r => r.Id), Analyzers.Resources.Select(r => r.Id));
        foreach (var runtime in Runtime.Resources)
        {
            var analyzers = Analyzers.GetResource(runtime.Id);
            Assert.Equal(runtime.DisplayName, analyzers.DisplayName);
            Assert.Equal(runtime.Permissions.Where(p => p.Kind == DefenderPermissionKind.Application).Select(p => p.Name), analyzers.ApplicationPermissions);
            Assert.Equal(runtime.Permissions.Where(p => p.Kind == DefenderPermissionKind.Delegated).Select(p => p.Name), analyzers.DelegatedPermissions);
            Assert.Equal(runtime.KnownHosts, analyzers.KnownHosts);
            foreach (var permission in runtime.Permissions)
            {
                Assert.Equal(
                    runtime.GetImplyingPermissions(permission.Name).Order(StringComparer.Ordinal),
                    analyzers.Implications.Where(i => i.Implies == permission.Name).Select(i => i.Permission).Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public void Both_decide_alike_whether_held_permissions_allow_each_operation()
    {
        var decisions = 0;
        foreach (var operation in Runtime.Operations.Where(o => o.ApplicationPermissions.Count > 0))
        {
            var resource = Analyzers.GetResource(operation.Resource.Id);
            // Each permission of the resource held alone: the runtime's token check and the analyzers' manifest check agree.
            foreach (var held in resource.ApplicationPermissions)
            {
                var runtime = operation.Resource.IsSatisfiedBy(operation.ApplicationPermissions, [held]);
                var analyzers = resource.LeastPrivilegedSatisfier(operation.ApplicationPermissions, [held], delegated: false) is not null;
                Assert.True(runtime == analyzers, $"{operation.Id} with {held}: runtime {runtime}, analyzers {analyzers}");
                decisions++;
            }
        }

        Assert.True(decisions > 1000, $"Only {decisions} decisions compared.");
    }

    [Fact]
    public void Both_matchers_name_the_same_operation_for_every_request_url()
    {
        foreach (var operation in Runtime.Operations)
        {
            var path = Placeholder().Replace(operation.PathTemplate, m => operation.PathParameters.Single(p => p.Name == m.Groups[1].Value).Type switch
            {
                "int64" or "int32" => "42",
                "datetime" => "2024-05-01T08:00:00Z",
                _ => "x1",
            });
            var baseUrl = operation.Resource.GetEndpoint(DefenderCloud.Commercial).ApiBaseUrl.AbsoluteUri.TrimEnd('/');

            var runtime = Runtime.MatchRequest(operation.Method, path)?.Operation.Id;
            var analyzers = OperationMatcher.Instance.Match(operation.Method, baseUrl + path)?.Operation.Id;

            Assert.True(runtime == analyzers, $"{operation.Method} {path}: runtime {runtime ?? "none"}, analyzers {analyzers ?? "none"}");
            Assert.True(runtime == (operation.DuplicateOf ?? operation.Id), $"{operation.Method} {path} matched {runtime ?? "none"}");
        }
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
