/**
 * What the coordinator's HTTP routes share: {@link
 * org.neuronexplainer.coordinator.http.JsonResponses} writes every JSON answer of the API ({@code
 * /api}) and the viewer ({@code /api/viewer}), with one content type and one error body, {@code
 * {"error": "..."}}. Work behind a route runs off the event loop.
 */
package org.neuronexplainer.coordinator.http;
