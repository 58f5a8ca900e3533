// The built-in English suggested review texts (see template-library.ts for how a set is chosen).
// Per vertical: `neutral` texts fit any business of the vertical (a hair salon and a nail bar
// alike), `services` texts name one kind of service and are offered only to a business whose name
// or description says it offers it. `{employee}` (the employee's first name) appears only in
// neutral texts, at most 3 per vertical.
import type { LibraryTexts } from './template-library.ts';

export const EN_TEXTS: LibraryTexts = {
  auto: {
    neutral: [
      'Honest, quick and fair. They explained what actually needed doing and what could wait, which I really appreciated.',
      'Thanks to {employee} for walking me through everything before starting. No pressure, no upselling.',
      'Booked in and the car was ready the same afternoon. Easy to deal with from start to finish.',
      'Friendly people and a tidy workshop. You can tell they take pride in their work.',
      "I've been bringing my car here for a while now and they've always been straightforward and reliable.",
      'They called me before doing anything extra, so there were no surprises when I picked the car up.',
      'Really pleased with how {employee} handled everything. Clear updates along the way.',
      "Good work at a fair price. I'll be back next time.",
      'Clear quote up front and the final bill matched it. That is rare and I appreciated it.',
      'They treated my car with care and explained what they had done when I collected it.',
    ],
    services: {
      repair: [
        'They found the fault quickly, showed me the worn parts and the car drives smoothly again.',
        'Booked in for a service and they pointed out what could wait until next time. No upselling at all.',
      ],
      detailing: [
        'My car came back cleaner than the day I bought it. Great attention to detail, inside and out.',
        'The detailing job was excellent: the interior looks almost new again.',
      ],
      film: [
        'The tint went on perfectly, with clean edges and no bubbles anywhere. Really neat work.',
        'Very happy with the wrap. They took their time and the finish is flawless.',
      ],
    },
  },
  fnb: {
    neutral: [
      "Lovely little spot. Everything was fresh and full of flavour, and we didn't wait long at all.",
      'Thanks to {employee} for the recommendations, everything we ordered was spot on.',
      'Friendly service and a clean, comfortable place. We will definitely come back.',
      'The staff were attentive without hovering, and everything came out at a good pace.',
      'Good value for the quality. It has become one of my favourite places in the area.',
      'We were looked after really well by {employee}, who made sure we had everything we needed.',
      'They were happy to adjust my order for my dietary needs, which made it so much easier.',
      'Tasty food and a warm welcome. Highly recommend.',
      'Relaxed atmosphere and genuinely friendly staff. A nice place to catch up with friends.',
      'Everything tasted freshly made, and you can tell they care about what they serve.',
    ],
    services: {
      coffee: [
        'Great coffee and a relaxed atmosphere, a nice place to sit and catch up with friends.',
        'Properly good coffee, made with care. My new favourite stop on the way to work.',
      ],
      dining: [
        'Generous portions and every dish was well seasoned. We left full and happy.',
        'Came in for a quick lunch and left really happy. Everything tasted homemade.',
      ],
      bakery: [
        'The pastries are fresh and flaky, and the bread is the best I have had in a long time.',
        'Ordered a birthday cake here and it looked and tasted wonderful. Everyone asked where it was from.',
      ],
    },
  },
  beauty: {
    neutral: [
      'Thanks to {employee} for taking such good care of me. I left feeling great.',
      'Clean, calm and very welcoming. I felt comfortable from the moment I walked in.',
      'Great attention to detail and no rushing. You can tell they really care about the result.',
      'Booking was easy, they started on time, and everything was spotless.',
      'I was a bit nervous beforehand, but {employee} explained everything and I love the result.',
      "Friendly, professional and reasonably priced. I've already booked my next visit.",
      'Lovely atmosphere and skilled staff. Easily the best place I have found nearby.',
      'Honest advice, no hard sell, and a result I am really happy with.',
      'They listened to exactly what I wanted and gave me useful tips for afterwards.',
      'Relaxing from start to finish. I left feeling like a new person.',
    ],
    services: {
      hair: [
        "I'm really happy with my hair. They listened to exactly what I wanted and gave honest advice.",
        'I was nervous about trying a new colour, but it turned out beautifully.',
        'They gave me useful tips for looking after my hair at home, which I really appreciated.',
      ],
      nails: [
        'My nails look neat and have lasted really well. Such careful work.',
        'Lovely, precise nail work and a relaxing appointment. I will be back.',
      ],
      massage: [
        'The massage was just what I needed. I left feeling properly relaxed.',
        'Just the right pressure, and they checked in with me throughout. My shoulders feel so much better.',
      ],
      skin: [
        'My skin felt so fresh after the facial, and they explained how to look after it at home.',
        'They took time to understand my skin and recommended a treatment that really helped.',
      ],
      lashes: [
        'My lashes look natural and full, exactly what I asked for.',
        'Perfectly shaped brows, and they took the time to get them just right.',
      ],
    },
  },
  clinic: {
    neutral: [
      'They took the time to explain my options clearly and never made me feel rushed.',
      'Thanks to {employee} for putting me at ease. I usually dread appointments, but this one was easy.',
      'Clean, modern clinic and a very friendly front desk. I was seen right on time.',
      "Gentle, careful and professional. I'm glad I found this practice.",
      'Everything was explained step by step, so I knew exactly what to expect.',
      'Booking was simple, and they followed up after my appointment to see how I was doing.',
      'Very caring staff. They answered all my questions patiently.',
      'I was looked after by {employee}, who made sure I was comfortable the whole time.',
      'A good experience overall: hardly any wait, clear advice and a calm atmosphere.',
      'They listened properly and treated me as a person, not a number.',
    ],
    services: {
      dental: [
        'I usually dread the dentist, but the check-up was gentle and quick.',
        'My teeth have never felt so clean, and they showed me how to brush better at home.',
      ],
      physio: [
        'My physio gave me exercises that actually helped, and checked on my progress at every visit.',
        'After a few sessions my back feels so much better. Clear plan and real progress.',
      ],
      vet: [
        'They were so gentle with our dog and explained everything clearly. He was calm the whole time.',
        'Caring vets who clearly love animals. Our cat is in the best hands here.',
      ],
    },
  },
  retail: {
    neutral: [
      'Great selection and really helpful staff. They helped me find exactly what I was looking for.',
      'Thanks to {employee} for the honest advice. I ended up with something that suits me much better.',
      'Nice shop, well organised and easy to browse. Prices are fair too.',
      "Friendly service without any pressure to buy. I'll be back.",
      'Good quality products and a pleasant place to shop.',
      'Quick and easy exchange, no fuss at all. Really appreciated the help.',
      'Always a pleasure shopping here. The staff know their products well and give good recommendations.',
      'Lovely little store with a welcoming atmosphere. I always find something I like.',
      'I was helped by {employee}, who knew the products inside out. Great experience.',
      'They ordered in what I needed and let me know as soon as it arrived.',
    ],
    services: {
      clothing: [
        'They went out of their way to order in the size I needed. Great fit and great service.',
        'Honest opinions in the fitting room and I left with an outfit I love.',
      ],
      electronics: [
        'They explained the differences between the models clearly and helped me pick the right one.',
        'Set everything up for me before I left the shop. Really helpful and patient.',
      ],
      flowers: [
        'The bouquet was beautiful and lasted well over a week. Everyone loved it.',
        'They put together exactly the arrangement I had in mind, and delivered it on time.',
      ],
    },
  },
  services: {
    neutral: [
      'They arrived on time, got the job done quickly and left everything clean and tidy.',
      'Thanks to {employee} for the careful work and the clear explanation of what was done.',
      "Reliable, friendly and fairly priced. I'd happily use them again.",
      'They kept me updated throughout and finished exactly when they said they would.',
      'Quick to respond, easy to book and very professional.',
      'Good communication from start to finish, and the work was done properly the first time.',
      'They followed up a few days later to make sure everything was still fine. Really appreciated that.',
      'Great service from {employee}: polite, efficient and happy to answer all my questions.',
      'Honest advice and no unnecessary extras. Exactly the kind of local business you want to support.',
      'Respectful of our home and easy to deal with. Highly recommend.',
    ],
    services: {
      cleaning: [
        'Our place has never looked this clean. Very thorough and careful with our things.',
        'Every corner was spotless, even the places I usually forget about.',
      ],
      repair: [
        'They found the problem quickly and fixed it properly. No more leaks.',
        'The repair was done right the first time, and they explained how to avoid it happening again.',
      ],
      organizing: [
        'After the decluttering session our home feels so much lighter. Everything finally has a place.',
        'They organised our wardrobes and kitchen brilliantly. It has stayed tidy ever since.',
      ],
      moving: [
        'The move went smoothly: everything packed carefully and nothing broken.',
        'On time, careful with our furniture and finished faster than we expected.',
      ],
    },
  },
};
