package org.neuronexplainer.worker.capture.run;

import org.neuronexplainer.worker.capture.FloatTensor;
import org.neuronexplainer.worker.capture.ForwardResult;
import org.neuronexplainer.worker.capture.Sae;
import org.neuronexplainer.worker.capture.SubjectConfig;

/**
 * What one set of capture statistics reads from each forward pass: a layer's MLP neurons, or an
 * SAE's latents. Two SAEs on one layer are two units; a unit's {@link #layer} is the layer its
 * records are filed under.
 */
public sealed interface CaptureUnit {

  /** The layer the unit's records are filed under: the MLP's, or the SAE's hook's. */
  int layer();

  /** How many neurons or latents it has. */
  int width(SubjectConfig config);

  /** Its activations in a pass's result, {@code [batch, tokens, width]}. */
  FloatTensor from(ForwardResult result);

  /** The MLP neurons of a layer. */
  record MlpLayer(int layer) implements CaptureUnit {
    @Override
    public int width(SubjectConfig config) {
      return config.neurons();
    }

    @Override
    public FloatTensor from(ForwardResult result) {
      return result.layer(layer);
    }
  }

  /** The latents of an SAE loaded into the model that runs the capture. */
  record SaeLatents(Sae sae) implements CaptureUnit {
    @Override
    public int layer() {
      return sae.hook().layer();
    }

    @Override
    public int width(SubjectConfig config) {
      return sae.dSae();
    }

    @Override
    public FloatTensor from(ForwardResult result) {
      return result.latents(sae.name());
    }
  }
}
