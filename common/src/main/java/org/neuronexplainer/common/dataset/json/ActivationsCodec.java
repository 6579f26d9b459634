package org.neuronexplainer.common.dataset.json;

import static org.neuronexplainer.common.dataset.json.DatasetType.ACTIVATION_RECORD;
import static org.neuronexplainer.common.dataset.json.DatasetType.NEURON_ID;
import static org.neuronexplainer.common.dataset.json.DatasetType.NEURON_RECORD;

import java.util.List;
import org.neuronexplainer.common.dataset.ActivationRecord;
import org.neuronexplainer.common.dataset.NeuronId;
import org.neuronexplainer.common.dataset.NeuronRecord;

/** JSON of the collated-activations types: NeuronId, ActivationRecord, NeuronRecord. */
final class ActivationsCodec {
  private ActivationsCodec() {}

  static NeuronId readNeuronId(JsonFields f) throws DatasetFormatException {
    int layer = f.integer("layer_index");
    int neuron = f.integer("neuron_index");
    if (layer < 0) {
      throw f.error("layer_index", "must not be negative, got " + layer);
    }
    if (neuron < 0) {
      throw f.error("neuron_index", "must not be negative, got " + neuron);
    }
    return new NeuronId(layer, neuron);
  }

  static void write(NeuronId id, CompactJsonWriter w) {
    w.beginObject();
    w.name("layer_index").value(id.layerIndex());
    w.name("neuron_index").value(id.neuronIndex());
    w.endWithMarker(NEURON_ID);
  }

  static ActivationRecord readActivationRecord(JsonFields f) throws DatasetFormatException {
    List<String> tokens = f.strings("tokens");
    double[] activations = f.numbers("activations");
    Lengths.requireSame(f, "activations", tokens.size(), "token", activations.length, "activation");
    return new ActivationRecord(tokens, activations);
  }

  static void write(ActivationRecord record, CompactJsonWriter w) {
    w.beginObject();
    w.strings("tokens", record.tokens());
    w.numbers("activations", record.activations());
    w.endWithMarker(ACTIVATION_RECORD);
  }

  static NeuronRecord readNeuronRecord(JsonFields f) throws DatasetFormatException {
    return new NeuronRecord(
        f.object("neuron_id", NEURON_ID, ActivationsCodec::readNeuronId),
        f.objects("random_sample", ACTIVATION_RECORD, ActivationsCodec::readActivationRecord),
        f.objectListsOrNull(
            "random_sample_by_quantile", ACTIVATION_RECORD, ActivationsCodec::readActivationRecord),
        f.numbersOrNull("quantile_boundaries"),
        f.number("mean"),
        f.number("variance"),
        f.number("skewness"),
        f.number("kurtosis"),
        f.objects(
            "most_positive_activation_records",
            ACTIVATION_RECORD,
            ActivationsCodec::readActivationRecord));
  }

  static void write(NeuronRecord record, CompactJsonWriter w) {
    w.beginObject();
    w.name("neuron_id");
    write(record.neuronId(), w);
    records("random_sample", record.randomSample(), w);
    w.name("random_sample_by_quantile");
    if (record.randomSampleByQuantile() == null) {
      w.nullValue();
    } else {
      w.beginArray();
      for (List<ActivationRecord> bucket : record.randomSampleByQuantile()) {
        w.beginArray();
        bucket.forEach(r -> write(r, w));
        w.endArray();
      }
      w.endArray();
    }
    w.numbers("quantile_boundaries", record.quantileBoundaries());
    w.name("mean").value(record.mean());
    w.name("variance").value(record.variance());
    w.name("skewness").value(record.skewness());
    w.name("kurtosis").value(record.kurtosis());
    records("most_positive_activation_records", record.mostPositiveActivationRecords(), w);
    w.endWithMarker(NEURON_RECORD);
  }

  private static void records(String name, List<ActivationRecord> records, CompactJsonWriter w) {
    w.name(name).beginArray();
    records.forEach(r -> write(r, w));
    w.endArray();
  }
}
