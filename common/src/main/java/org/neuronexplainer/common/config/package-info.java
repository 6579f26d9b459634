/**
 * Reading configuration from the environment: {@link org.neuronexplainer.common.config.Env} turns a
 * {@code Map<String, String>} (main passes {@code System.getenv()}, tests pass a map) into typed
 * values, and every bad value is reported the same way: the variable, the value as given (never a
 * secret), and what is expected.
 */
package org.neuronexplainer.common.config;
