namespace Switchboard.Tests.Publishing;

public sealed class MessageDequeTests
{
    private static OutgoingMessage Msg(long sequence) => new($"t{sequence}", new byte[] { 1 }, Qos.AtLeastOnce, retain: false, awaited: false) { Sequence = sequence };

    private static List<long> Sequences(MessageDeque deque) => deque.ToList().Select(m => m.Sequence).ToList();

    [Fact]
    public void Keeps_order_across_wrap_around_and_growth()
    {
        var deque = new MessageDeque();
        var next = 0L;
        var expected = new Queue<long>();

        // Take two, add three, many times over: the ring wraps and grows with items in the middle of it.
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < 3; i++)
            {
                deque.AddLast(Msg(next));
                expected.Enqueue(next++);
            }

            for (var i = 0; i < 2; i++)
            {
                Assert.True(deque.TryRemoveFirst(out var message));
                Assert.Equal(expected.Dequeue(), message.Sequence);
            }
        }

        Assert.Equal(expected.Count, deque.Count);
        Assert.Equal(expected.ToList(), Sequences(deque));
    }

    [Fact]
    public void Add_first_goes_in_front_even_when_the_head_wraps()
    {
        var deque = new MessageDeque();
        deque.AddLast(Msg(5));
        deque.AddFirst(Msg(4));
        deque.AddFirst(Msg(3));
        for (var i = 6; i < 40; i++)
        {
            deque.AddLast(Msg(i));
        }

        deque.AddFirst(Msg(2));
        Assert.Equal(Enumerable.Range(2, 38).Select(i => (long)i).ToList(), Sequences(deque));
    }

    [Fact]
    public void Insert_by_sequence_puts_messages_back_ahead_of_later_ones()
    {
        var deque = new MessageDeque();
        deque.AddLast(Msg(1)); // an urgent message can sit in front with a higher sequence than what follows
        deque.AddLast(Msg(7));
        deque.AddLast(Msg(9));

        deque.InsertBySequence([Msg(3), Msg(8), Msg(12)]);

        Assert.Equal([1L, 3, 7, 8, 9, 12], Sequences(deque));
    }

    [Fact]
    public void Insert_at_front_keeps_the_given_order()
    {
        var deque = new MessageDeque();
        deque.AddLast(Msg(10));
        deque.InsertAtFront([Msg(1), Msg(2)]);
        Assert.Equal([1L, 2, 10], Sequences(deque));
    }

    [Fact]
    public void Empty_deque_gives_nothing_and_clear_empties()
    {
        var deque = new MessageDeque();
        Assert.False(deque.TryRemoveFirst(out _));
        deque.AddLast(Msg(1));
        deque.Clear();
        Assert.Equal(0, deque.Count);
        Assert.False(deque.TryRemoveFirst(out _));
    }
}
