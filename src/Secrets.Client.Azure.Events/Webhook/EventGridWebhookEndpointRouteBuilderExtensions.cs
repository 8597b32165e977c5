using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Secrets.Client.Azure.Events;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Event Grid webhook that receives Key Vault's secret events.</summary>
public static class EventGridWebhookEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST</c> and <c>OPTIONS</c> on <paramref name="pattern"/> to Event Grid's webhook protocol: subscription
    /// validation, the CloudEvents abuse-protection handshake, and deliveries handed to the app's <see cref="Secrets.Client.ISecretStore"/>.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="pattern">The route, for example <c>/events/keyvault</c>.</param>
    /// <param name="configure">Sets the shared secret and the rest; the options are validated now.</param>
    /// <returns>The endpoint's convention builder (add rate limiting or host filters there).</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid (see <see cref="EventGridWebhookOptions.Validate"/>).</exception>
    public static IEndpointConventionBuilder MapKeyVaultEventGridWebhook(this IEndpointRouteBuilder endpoints, string pattern, Action<EventGridWebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new EventGridWebhookOptions();
        configure(options);
        var handler = new EventGridWebhookHandler(options);
        return endpoints.MapMethods(pattern, [HttpMethods.Post, HttpMethods.Options], handler.HandleAsync);
    }
}
