package io.github.saasframework.cache.internal;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

/**
 * Not API: a serializer that can parse stored bytes once into a form it reads values from
 * again faster than from the bytes. The near cache keeps that form beside the bytes of a
 * value it must decode afresh on every hit (a type callers could change), so a hit binds
 * a new object without parsing the JSON again.
 */
public interface ReplayingSerializer {

	/**
	 * The bytes parsed once, for reading values of the type again with
	 * {@link #deserializeReplay}; called only with bytes that have just been read as that
	 * type without error.
	 * @return the parsed form, or {@code null} if values of the type are not read from it
	 * (then the bytes are read each time)
	 */
	@Nullable Object replayable(byte[] bytes, Type type);

	/**
	 * Whether values of the type are read from the parsed form; cheap.
	 */
	boolean replays(Type type);

	/**
	 * Reads a new value from the parsed form: equal to what reading the bytes it was made
	 * from gives.
	 */
	Object deserializeReplay(Object replay, Type type);

}
