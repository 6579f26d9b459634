package org.neuronexplainer.coordinator.runs;

import org.neuronexplainer.common.hub.HubConfigFiles;

/**
 * The hub that planning reads the configs of hub models and SAEs from ({@code HF_ENDPOINT}, {@code
 * HF_TOKEN} of the process), made on first use: one per process, so each config is read once.
 */
final class PlanningHub {
  private static HubConfigFiles files;

  private PlanningHub() {}

  static synchronized HubConfigFiles files() {
    if (files == null) {
      files = HubConfigFiles.fromEnvironment();
    }
    return files;
  }
}
