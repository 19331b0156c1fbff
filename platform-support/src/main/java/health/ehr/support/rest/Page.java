package health.ehr.support.rest;

import java.util.List;
import java.util.function.Function;

/** One page of a list, the shape of every list the API returns. */
public record Page<T>(List<T> items, int page, int size, long total) {

    /** The same page with its items mapped, e.g. from entities to response records. */
    public <R> Page<R> map(Function<? super T, ? extends R> mapper) {
        return new Page<>(items.stream().<R>map(mapper).toList(), page, size, total);
    }
}
