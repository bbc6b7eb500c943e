package org.tarflowlm.io;

import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.annotations.SerializedName;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads and writes an enum by its {@link SerializedName}s, and refuses any other name (Gson's own adapter reads it as null). */
final class StrictEnumAdapter<E extends Enum<E>> extends TypeAdapter<E> {
  private final Map<String, E> byName = new LinkedHashMap<>();
  private final Map<E, String> names = new LinkedHashMap<>();

  StrictEnumAdapter(Class<E> type) {
    for (E e : type.getEnumConstants()) {
      String name = e.name();
      try {
        SerializedName annotation = type.getField(e.name()).getAnnotation(SerializedName.class);
        if (annotation != null) {
          name = annotation.value();
        }
      } catch (NoSuchFieldException impossible) {
        throw new IllegalStateException(impossible);
      }
      byName.put(name, e);
      names.put(e, name);
    }
  }

  @Override
  public void write(JsonWriter out, E value) throws IOException {
    out.value(names.get(value));
  }

  @Override
  public E read(JsonReader in) throws IOException {
    String name = in.nextString();
    E e = byName.get(name);
    if (e == null) {
      throw new JsonParseException("unknown value '" + name + "', expected one of " + byName.keySet());
    }
    return e;
  }
}
