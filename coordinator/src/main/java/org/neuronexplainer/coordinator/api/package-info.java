/** The REST API under {@code /api} (Vert.x routes, bearer token); translation of HTTP only. */
package org.neuronexplainer.coordinator.api;
