// Intrusive doubly linked lists, Linux's list_head: the node lives inside the
// object, so linking never allocates. container_of() gets the object back.
#pragma once
#include <stddef.h>
#include <stdint.h>

struct list_head {
    list_head* next = this;
    list_head* prev = this;
};

inline void INIT_LIST_HEAD(list_head* h) { h->next = h->prev = h; }
inline bool list_empty(const list_head* h) { return h->next == h; }

inline void __list_add(list_head* n, list_head* prev, list_head* next) {
    next->prev = n;
    n->next = next;
    n->prev = prev;
    prev->next = n;
}
inline void list_add(list_head* n, list_head* head) { __list_add(n, head, head->next); }
inline void list_add_tail(list_head* n, list_head* head) { __list_add(n, head->prev, head); }

// Unlinks and leaves the node pointing at itself, so a second list_del and
// list_empty(node) ("am I on a list?") are both safe.
inline void list_del(list_head* n) {
    n->next->prev = n->prev;
    n->prev->next = n->next;
    INIT_LIST_HEAD(n);
}
inline void list_move_tail(list_head* n, list_head* head) {
    list_del(n);
    list_add_tail(n, head);
}
// Puts every entry of list between prev and next, leaving list empty
// (Linux's __list_splice then INIT_LIST_HEAD).
inline void __list_splice_init(list_head* list, list_head* prev, list_head* next) {
    if (list_empty(list)) {
        return;
    }
    list_head* first = list->next;
    list_head* last = list->prev;
    first->prev = prev;
    prev->next = first;
    last->next = next;
    next->prev = last;
    INIT_LIST_HEAD(list);
}
// Moves every entry of list to the front of head, leaving list empty.
inline void list_splice_init(list_head* list, list_head* head) { __list_splice_init(list, head, head->next); }
// Moves every entry of list to the back of head, leaving list empty.
inline void list_splice_tail_init(list_head* list, list_head* head) { __list_splice_init(list, head->prev, head); }
inline bool list_is_singular(const list_head* h) { return !list_empty(h) && h->next == h->prev; }

template <typename T, typename M>
T* container_of(M* ptr, M T::*member) {
    // The member's offset, from a suitably aligned dummy address.
    alignas(T) static char probe[1];
    T* dummy = reinterpret_cast<T*>(probe);
    uintptr_t off = reinterpret_cast<uintptr_t>(&(dummy->*member)) - reinterpret_cast<uintptr_t>(dummy);
    return reinterpret_cast<T*>(reinterpret_cast<char*>(ptr) - off);
}

// for (T& obj : list_entries<T, &T::node>(head)) ... Safe against removing
// the current entry (the next one is fetched before the body runs).
template <typename T, list_head T::*member>
class list_entries {
public:
    explicit list_entries(list_head* head) : head_(head) {}
    class iterator {
    public:
        explicit iterator(list_head* n) : n_(n), next_(n->next) {}
        T& operator*() const { return *container_of(n_, member); }
        iterator& operator++() {
            n_ = next_;
            next_ = n_->next;
            return *this;
        }
        bool operator!=(const iterator& o) const { return n_ != o.n_; }
    private:
        list_head* n_;
        list_head* next_;
    };
    iterator begin() const { return iterator(head_->next); }
    iterator end() const { return iterator(head_); }
private:
    list_head* head_;
};

template <typename T, list_head T::*member>
T* list_first_entry_or_null(list_head* head) {
    return list_empty(head) ? nullptr : container_of(head->next, member);
}
