package org.tarflowlm.io;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.annotations.SerializedName;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes an enum by its {@link SerializedName}s, and refuses any other name: Gson's own
 * adapter reads a misspelt name as null, which for an optional field silently means its default.
 */
final class StrictEnumAdapter<E extends Enum<E>> extends TypeAdapter<E> {
  /** A strict adapter for every enum type. */
  static final TypeAdapterFactory FACTORY = new TypeAdapterFactory() {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
      Class<? super T> raw = type.getRawType();
      if (!Enum.class.isAssignableFrom(raw) || raw == Enum.class) {
        return null;
      }
      Class<?> enumType = raw.isEnum() ? raw : raw.getSuperclass(); // a constant with a body is a subclass
      return (TypeAdapter<T>) new StrictEnumAdapter(enumType).nullSafe();
    }
  };

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
    String path = in.getPath();
    String name = in.nextString();
    E e = byName.get(name);
    if (e == null) {
      throw new JsonParseException(path + ": unknown value '" + name + "', expected one of " + byName.keySet());
    }
    return e;
  }
}
